"""gunicorn's gthread worker runs several messages at once on threads of one app: none lost, none run twice."""
from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import select

from bot.content import texts
from bot.models import Conversation, MessageLog, ProcessedMessage, User
from tests.conftest import Resident

# Questions whose answer does not depend on what the resident said before, so any order gives the same replies.
ANSWERS = {"日间照料中心晚上几点关门": "21:00", "办居住证要带啥子": "身份证", "太极拳好久上课": "7:30",
           "图书室几点开门": "9:00", "议事会好久开": "第一个星期五"}
THREADS = 8


def test_threads_answering_the_same_and_different_residents_at_once_lose_nothing(make_app, backend, wechat):
    app = make_app(backend)
    openids = [f"o-thread-{n}" for n in range(4)]
    sent = [(openid, question, wechat.text(openid, question)) for openid in openids for question in ANSWERS]
    # Waves of eight at once: seven messages (one resident's five and the next one's first ones), and
    # WeChat's retry of the wave's first message.
    waves = [sent[i:i + THREADS - 1] for i in range(0, len(sent), THREADS - 1)]
    deliveries = [message for wave in waves for message in (*wave, wave[0])]
    replies: dict[int, str] = {}
    start = threading.Barrier(THREADS)

    def post_every_eighth(first: int) -> None:
        resident = Resident(app.test_client(), wechat, "")
        start.wait(10)
        for n in range(first, len(deliveries), THREADS):
            replies[n] = resident.post(deliveries[n][2]).get("Content", "")

    threads = [threading.Thread(target=post_every_eighth, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(replies) == len(deliveries)
    for n, (_openid, question, _signed) in enumerate(deliveries):
        assert ANSWERS[question] in replies[n] and texts.APOLOGY not in replies[n], (question, replies[n])
    first_of = {id(signed): replies[n] for n, (_o, _q, signed) in reversed(list(enumerate(deliveries)))}
    assert all(replies[n] == first_of[id(signed)] for n, (_o, _q, signed) in enumerate(deliveries))  # retry: same
    with app.extensions["community"].db.transaction() as session:
        users = session.scalars(select(User.openid)).all()
        said = Counter(map(tuple, session.execute(select(User.openid, MessageLog.text)
                                                  .join(User, MessageLog.user_id == User.id)
                                                  .where(MessageLog.direction == "in"))))
        stored = session.scalars(select(ProcessedMessage.reply)).all()
        conversations = session.scalars(select(Conversation.user_id)).all()
    assert sorted(users) == openids and len(conversations) == len(openids)
    assert said == Counter((openid, question) for openid, question, _signed in sent)  # each message ran once
    assert len(stored) == len(sent) and None not in stored
