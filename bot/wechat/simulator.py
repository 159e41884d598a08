"""Development simulator: a chat page that talks to the real /wechat, signed as WeChat signs."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, request
from sqlalchemy import func, select

from bot.models import Outbox
from bot.wechat.simulate import SignedRequest, WeChatSide

bp = Blueprint("simulator", __name__, url_prefix="/dev", template_folder="templates")
RESIDENTS = [
    ("dev-grandma-wang", "王婆婆（70岁，文笔村）"),
    ("dev-migrant-li", "李师傅（流动人口家长）"),
    ("dev-resident-zhang", "张大哥（老街）"),
    ("dev-staff-chen", "陈主任（工作人员）"),
]


def wechat_side() -> WeChatSide:
    s = current_app.extensions["community"].settings
    return WeChatSide(s.WECHAT_TOKEN, s.WECHAT_ENCODING_AES_KEY, s.WECHAT_APP_ID)


def deliver(side: WeChatSide, signed: SignedRequest) -> dict[str, Any]:
    """Post to the real webhook in-process, exactly as WeChat would, and read the reply."""
    response = current_app.test_client().post(signed.url, data=signed.body, content_type="text/xml")
    if response.status_code != 200:
        return {"status": response.status_code, "kind": "error", "text": response.get_data(as_text=True)}
    fields = side.read_reply(response.data)
    kind = fields.get("MsgType", "none")
    text = fields.get("Content", "")
    if kind == "transfer_customer_service":
        text = "（已转给人工客服）"
    return {"status": 200, "kind": kind, "text": text}


@bp.get("/chat")
def chat() -> str:
    catalog = current_app.extensions["community"].library.current().catalog
    encrypted = current_app.extensions["community"].settings.encrypted
    with current_app.extensions["community"].db.transaction() as session:
        queued_until = session.scalar(select(func.max(Outbox.id))) or 0
    return render_template("chat.html", residents=RESIDENTS, buttons=catalog.buttons, encrypted=encrypted,
                           queued_until=queued_until)


@bp.post("/send")
def send() -> Any:
    data = request.get_json(force=True, silent=True) or {}
    openid = str(data.get("openid") or RESIDENTS[0][0])[:64]
    side = wechat_side()
    kind = data.get("kind", "text")
    if kind == "text":
        signed = side.text(openid, str(data.get("text", "")))
    elif kind == "voice":
        signed = side.voice(openid, str(data.get("text", "")))
    elif kind == "image":
        signed = side.image(openid)
    elif kind == "location":
        signed = side.location(openid, 32.6441, 105.8163, str(data.get("text") or "羊木镇老街"))
    elif kind == "click":
        signed = side.event(openid, "CLICK", str(data.get("key", "")))
    elif kind == "subscribe":
        scene = str(data.get("text") or "")
        signed = side.event(openid, "subscribe", f"qrscene_{scene}" if scene else "")
    elif kind == "unsubscribe":
        signed = side.event(openid, "unsubscribe")
    else:
        return jsonify(status=400, kind="error", text=f"unknown kind {kind}"), 400
    return jsonify(deliver(side, signed))


@bp.get("/pushed")
def pushed() -> Any:
    """Messages queued for the simulated residents after `after` (staff replies, notices), oldest first."""
    after = request.args.get("after", 0, type=int)
    with current_app.extensions["community"].db.transaction() as session:
        rows = session.scalars(select(Outbox).where(Outbox.id > after, Outbox.openid.in_([r[0] for r in RESIDENTS]))
                               .order_by(Outbox.id).limit(50)).all()
        return jsonify(rows=[{"id": r.id, "openid": r.openid, "text": r.text} for r in rows])
