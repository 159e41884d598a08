"""What the webhook benchmarks send, and the bare wechatpy + Flask view they compare with.

The bare view does what no webhook can skip (check the signature, decrypt, parse, reply, encrypt) and
nothing else; `gunicorn 'traffic:bare_app()'` serves it for the load benchmark.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, request
from wechatpy import create_reply, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import check_signature

from bot.wechat.simulate import SignedRequest, WeChatSide

TOKEN, AES_KEY, APP_ID = "benchtoken123456", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx-bench"
# The FAQ vectors are cached where the CLI keeps them (instance/): a benchmark measures the server as it
# runs after its first start, not the model embedding the whole FAQ beside it (~13 s of a core).
SETTINGS = {"WECHAT_TOKEN": TOKEN, "WECHAT_ENCODING_AES_KEY": AES_KEY, "WECHAT_APP_ID": APP_ID,
            "EMBEDDINGS_CACHE_DIR": str(Path(__file__).resolve().parent.parent / "instance")}
QUESTIONS = ["日间照料中心晚上几点关门", "办居住证要带啥子", "太极拳好久上课", "低保咋个申请",
             "幼儿园收几岁的娃儿", "图书室几点开门", "路灯坏了找哪个", "议事会好久开"]
# A resident's visit: a first question (a new resident), more questions, then a problem report's
# form steps, left (取消) before it is submitted.
VISIT = [None, None, "上报问题", "1", "老街口的路灯不亮", "1", "跳过", "取消", None, None]


def bare_app() -> Flask:
    app = Flask("bare")
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)

    @app.post("/wechat")
    def wechat():  # type: ignore[no-untyped-def]
        args = request.args
        check_signature(TOKEN, args["signature"], args["timestamp"], args["nonce"])
        xml = crypto.decrypt_message(request.data, args["msg_signature"], args["timestamp"], args["nonce"])
        message = parse_message(xml)
        reply = create_reply("日间照料中心每天早上8:00到晚上21:00开放。", message)
        return crypto.encrypt_message(reply.render(), args["nonce"], args["timestamp"])

    return app


def new_residents(side: WeChatSide, count: int, prefix: str) -> list[SignedRequest]:
    """FAQ questions, each the first message of a resident never seen before."""
    return [side.text(f"{prefix}-{i}", QUESTIONS[i % len(QUESTIONS)]) for i in range(count)]


def visits(side: WeChatSide, residents: int, prefix: str) -> list[SignedRequest]:
    """Every resident's visit, step by step across all residents: under concurrency a resident's
    messages still arrive in order, as they would from one phone."""
    out = []
    for step, said in enumerate(VISIT):
        for i in range(residents):
            out.append(side.text(f"{prefix}-{i}", said or QUESTIONS[(i + step) % len(QUESTIONS)]))
    return out
