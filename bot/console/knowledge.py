"""What the assistant knows: browse and search the FAQ, edit, add, retire and restore entries, 试一试.

An edit is checked like a file edit and more, scored on the development set before and after (an
edit that lowers it asks for confirmation), kept as a version, audited, and in service on every
worker at its next check (bot.services.knowledge, bot.content.library).
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session

from bot.console.exports import xlsx_response
from bot.console.permissions import requires
from bot.console.web import bp, client_ip, database, signed_in
from bot.content.loader import EntryEdit
from bot.content.store import signature
from bot.knowledge.model import MAX_ANSWER_CHARS, Entry
from bot.models import FaqGap, GapStatus, utcnow
from bot.services import audit, gaps, knowledge
from bot.services.errors import NotAllowed, NotFound

_SCORES: dict[tuple[Any, ...], knowledge.Score] = {}  # the dev set's result per files, dev set and edits
_SCORES_LOCK = threading.Lock()


@bp.get("/knowledge")
@requires("knowledge")
def knowledge_list() -> Any:
    search, question = request.args.get("q", "").strip(), request.args.get("try", "").strip()
    with database().transaction() as db:
        rows = _rows(db, search)
    trial = knowledge.try_question(_library().current().knowledge, question) if question else None
    return render_template("console/knowledge.html", rows=rows, search=search, question=question, trial=trial)


@bp.get("/knowledge.xlsx")
@requires("knowledge")
def knowledge_export() -> Any:
    with database().transaction() as db:
        rows = [(row["id"], row["state"], "\n".join(row["entry"].questions), row["entry"].answer)
                for row in _rows(db, request.args.get("q", "").strip())]
        return xlsx_response(db, name="问答", target="faq", sheets=[("问答", ["编号", "状态", "问法", "回答"], rows)])


@bp.route("/knowledge/new", methods=["GET", "POST"])
@requires("knowledge.edit")
def knowledge_new() -> Any:
    if request.method == "GET":
        draft = Entry(id="", questions=tuple(filter(None, [request.args.get("question", "").strip()])),
                      answer="", source="")
        return _entry_page(draft, new=True, gap=request.args.get("gap", ""))
    entry_id = request.form.get("id", "").strip()
    if entry_id in _library().current().knowledge.entries or entry_id in _retired():
        return _refused(_draft(entry_id), "这个编号已经有了，请换一个（或去改那一条）。", new=True)
    return _save(entry_id, before=None)


@bp.get("/knowledge/entry/<path:entry_id>")
@requires("knowledge")
def knowledge_entry(entry_id: str) -> Any:
    return _entry_page(_current(entry_id))


@bp.post("/knowledge/entry/<path:entry_id>")
@requires("knowledge.edit")
def knowledge_save(entry_id: str) -> Any:
    before = _current(entry_id)
    if entry_id in _retired():
        return _refused(before, "这一条已停用，请先重新启用再改。")
    return _save(entry_id, before=before)


@bp.post("/knowledge/entry/<path:entry_id>/retire")
@requires("knowledge.edit")
def knowledge_retire(entry_id: str) -> Any:
    entry = _current(entry_id)
    return _change(entry_id, "faq.retire", lambda db, who: knowledge.retire(db, entry, who, utcnow()),
                   "已停用：居民问到时不再用这一条回答。")


@bp.post("/knowledge/entry/<path:entry_id>/reinstate")
@requires("knowledge.edit")
def knowledge_reinstate(entry_id: str) -> Any:
    edit = next((e for e in _newest() if e.id == entry_id and e.retired), None) or abort(404)
    return _change(entry_id, "faq.reinstate", lambda db, who: knowledge.reinstate(db, edit, who, utcnow()),
                   "已重新启用。")


@bp.post("/knowledge/entry/<path:entry_id>/restore/<int:version>")
@requires("knowledge.edit")
def knowledge_restore(entry_id: str, version: int) -> Any:
    return _change(entry_id, "faq.restore", lambda db, who: knowledge.restore(db, version, who, utcnow()),
                   f"已恢复到第{version}版。")


@bp.post("/knowledge/entry/<path:entry_id>/shipped")
@requires("knowledge.edit")
def knowledge_shipped(entry_id: str) -> Any:
    return _change(entry_id, "faq.restore", lambda db, who: knowledge.to_shipped(db, entry_id, who, utcnow()),
                   "已改回文件里的版本。")


# --- saving ---------------------------------------------------------------------------------

def _save(entry_id: str, before: Entry | None) -> Any:
    """Checked, scored on the dev set (a drop asks for confirmation), then kept as a new version."""
    draft = _draft(entry_id)
    gap_id = request.form.get("gap", "")
    if reason := knowledge.problem(draft.questions, draft.answer):
        return _refused(draft, reason, new=before is None)
    try:
        scores, unscored = _dev_scores(EntryEdit(entry_id, draft.questions, draft.answer, False, 0)), False
    except knowledge.ScoreUnavailable:
        scores, unscored = None, True
    worse = scores is not None and scores[1].worse_than(scores[0])
    if (worse or unscored) and not request.form.get("confirm"):
        return _entry_page(draft, new=before is None, gap=gap_id, scores=scores, confirm=True, unscored=unscored)
    try:
        with database().transaction() as db:
            who = signed_in(db)
            row = knowledge.save(db, entry_id=entry_id, questions=draft.questions, answer=draft.answer,
                                 before=before, who=who.name, now=utcnow())
            detail = f"第{row.id}版：{row.change}" + (f"；评测集 {_rates(scores)}" if scores else "")
            audit.record(db, who=who, action="faq.add" if before is None else "faq.edit", now=utcnow(),
                         target=f"faq:{entry_id}", detail=detail, ip=client_ip())
            gap = db.get(FaqGap, int(gap_id)) if gap_id.isdigit() else None
            if gap is not None:
                gaps.mark(db, gap, GapStatus.NEW_ENTRY, who.name, utcnow(), entry_id)
    except NotAllowed as error:
        return _refused(draft, str(error), new=before is None)
    _library().reload()
    measured = f"评测集准确率 {_rates(scores)}。" if scores else ""
    flash(f"已保存（第{row.id}版），几秒内所有服务都用上。{measured}", "ok")
    return redirect(url_for("console.knowledge_entry", entry_id=entry_id))


def _dev_scores(edit: EntryEdit) -> tuple[knowledge.Score, knowledge.Score] | None:
    """The development set before and after ``edit`` (both at once); None when no dev set is installed."""
    settings = current_app.extensions["community"].settings
    dev_set = Path(settings.FAQ_DEV_SET)
    if not dev_set.is_file():
        return None
    now = _newest()
    after = tuple(sorted((*[e for e in now if e.id != edit.id], edit), key=lambda e: e.id))
    faq_dir = Path(settings.FAQ_DIR)
    with ThreadPoolExecutor(2) as pool:
        before_score, after_score = pool.map(
            lambda edits: _score(faq_dir, dev_set, edits, settings.FAQ_DEV_SET_SECONDS), (now, after))
    return before_score, after_score


def _score(faq_dir: Path, dev_set: Path, edits: tuple[EntryEdit, ...], seconds: int) -> knowledge.Score:
    dev_stat = dev_set.stat()
    key = (signature(faq_dir), str(dev_set), dev_stat.st_mtime_ns, dev_stat.st_size,
           tuple(EntryEdit(e.id, e.questions, e.answer, e.retired, 0) for e in edits))
    with _SCORES_LOCK:
        known = _SCORES.get(key)
    if known is None:
        known = knowledge.score(faq_dir, dev_set, edits, seconds)
        with _SCORES_LOCK:
            _SCORES[key] = known
    return known


def _rates(scores: tuple[knowledge.Score, knowledge.Score] | None) -> str:
    if scores is None:
        return ""
    before, after = scores
    return f"{before.top1:.1%} → {after.top1:.1%}（拒答 {before.rejection:.1%} → {after.rejection:.1%}）"


def _change(entry_id: str, action: str, apply: Any, done: str) -> Any:
    """Retire, reinstate or restore: one new version and its audit row, together."""
    try:
        with database().transaction() as db:
            who = signed_in(db)
            row = apply(db, who.name)
            audit.record(db, who=who, action=action, now=utcnow(), target=f"faq:{entry_id}",
                         detail=f"第{row.id}版：{row.change}", ip=client_ip())
    except (NotAllowed, NotFound) as error:
        flash(str(error), "error")
        return redirect(url_for("console.knowledge_entry", entry_id=entry_id))
    _library().reload()
    flash(done, "ok")
    return redirect(url_for("console.knowledge_entry", entry_id=entry_id))


# --- reading --------------------------------------------------------------------------------

def _library() -> Any:
    return current_app.extensions["community"].library



def _newest() -> tuple[EntryEdit, ...]:
    with database().transaction() as db:
        return knowledge.newest_edits(db)


def _retired() -> set[str]:
    return {e.id for e in _newest() if e.retired}


def _current(entry_id: str) -> Entry:
    """The entry as residents get it now, or as it was when it was retired."""
    live = _library().current().knowledge.entries.get(entry_id)
    if live is not None:
        return live
    edit = next((e for e in _newest() if e.id == entry_id), None) or abort(404)
    return Entry(edit.id, edit.questions, edit.answer, f"console:v{edit.version}")


def _draft(entry_id: str) -> Entry:
    questions = knowledge.clean_questions(request.form.get("questions", "").splitlines())
    return Entry(entry_id, questions, request.form.get("answer", "").strip(), "")


def _rows(db: Session, search: str) -> list[dict[str, Any]]:
    newest = {e.id: e for e in knowledge.newest_edits(db)}
    entries = dict(_library().current().knowledge.entries)
    for edit in newest.values():
        if edit.retired:
            entries[edit.id] = Entry(edit.id, edit.questions, edit.answer, f"console:v{edit.version}")
    rows = []
    for entry_id, entry in sorted(entries.items()):
        if search and not any(search in text for text in (entry_id, entry.answer, *entry.questions)):
            continue
        edit = newest.get(entry_id)
        state = "已停用" if edit and edit.retired else "后台改过" if edit else "文件"
        rows.append({"id": entry_id, "entry": entry, "state": state})
    return rows


def _entry_page(entry: Entry, *, new: bool = False, gap: str = "", error: str = "",
                scores: tuple[knowledge.Score, knowledge.Score] | None = None, confirm: bool = False,
                unscored: bool = False) -> Any:
    settings = current_app.extensions["community"].settings
    with database().transaction() as db:
        versions = knowledge.history(db, entry.id) if entry.id and not new else []
        retired = entry.id in {e.id for e in knowledge.newest_edits(db) if e.retired}
    shipped = knowledge.shipped_entries(Path(settings.FAQ_DIR)).get(entry.id) if entry.id else None
    return render_template("console/knowledge_entry.html", entry=entry, new=new, gap=gap, error=error,
                           versions=versions, retired=retired, shipped=shipped, scores=scores, confirm=confirm,
                           unscored=unscored, rates=_rates(scores), max_chars=MAX_ANSWER_CHARS,
                           overlaid=bool(versions) and versions[0].questions is not None)


def _refused(draft: Entry, reason: str, new: bool = False) -> Any:
    """The reason on the page, the staff's text kept in the form; nothing saved."""
    return _entry_page(draft, new=new, gap=request.form.get("gap", ""), error=reason), 400
