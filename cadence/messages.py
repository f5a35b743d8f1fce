"""Alert messages in the shop's language (zh or en): what is due by when, and what counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from cadence.alerts import (
    AT_RISK,
    BEHIND,
    ENGINE_FAILING,
    ITEM_BLOCKED,
    ITEMS_BLOCKED,
    MISSED,
    NEW_SHOP_DAILY,
    REMINDER,
    REVIEW_WAITING,
    Action,
    AlertDecision,
)
from cadence.listing_notices import Blocking, EngineTrouble, ListingFacts
from cadence.quota import DayStatus, WeekStatus
from config.i18n import ENGLISH, SEMICOLON, Joined, catalog, from_stored, language

# how a time is written for people is config.times' (the review prints them too)
from config.times import at, deadline, zone_label
from store.states import MessageKind

_TITLES = {
    "zh": {
        BEHIND: "【{shop}】本周带货视频进度落后",
        AT_RISK: "【{shop}】本周带货视频目标有完不成的风险",
        MISSED: "【{shop}】上周带货视频目标未完成",
        NEW_SHOP_DAILY: "【{shop}】新店日更未完成",
        REMINDER: "【{shop}】提醒：本周第 {k}/{quota} 条带货视频 {left}后截止",
        MessageKind.RESOLVED: "【{shop}】已恢复：本周带货视频进度正常",
        REVIEW_WAITING: "【{shop}】{waiting} 个商品待审核",
        ITEM_BLOCKED: "【{shop}】商品 {product} 被拦截，未发布",
        ITEMS_BLOCKED: "【{shop}】{count} 个商品被拦截，未发布",
        ENGINE_FAILING: "【{shop}】翻译引擎 {engine} 出错",
    },
    "en": {
        BEHIND: "[{shop}] Behind on this week's product videos",
        AT_RISK: "[{shop}] This week's video quota is at risk",
        MISSED: "[{shop}] Last week's video quota was missed",
        NEW_SHOP_DAILY: "[{shop}] New shop: yesterday's daily video missing",
        REMINDER: "[{shop}] Reminder: video {k} of {quota} is due in {left}",
        MessageKind.RESOLVED: "[{shop}] Resolved: back on track with this week's videos",
        REVIEW_WAITING: "[{shop}] {waiting} item(s) wait for review",
        ITEM_BLOCKED: "[{shop}] Item {item} (product {product}) blocked from publishing",
        ITEMS_BLOCKED: "[{shop}] {count} items blocked from publishing",
        ENGINE_FAILING: "[{shop}] Translation engine {engine} is failing",
    },
}


@dataclass(frozen=True)
class Message:
    """A rendered alert, ready for the outbox."""

    title: str
    body: str


def render(
    decision: AlertDecision,
    shop: str,
    language: str,
    *,
    week: WeekStatus | None = None,
    day: DayStatus | None = None,
) -> Message:
    """The message for a decision, with the figures of the week (or day) it is about; due
    times are shown in the shop's time and, when the week says so, the team's beside it."""
    lang = language if language in _TITLES else "en"
    key = MessageKind.RESOLVED if decision.action is Action.RESOLVE else decision.rule
    figures: dict[str, object] = {"shop": shop}
    if decision.due is not None:
        figures |= {
            "k": decision.due.k,
            "quota": week.quota if week else "?",
            "left": time_left(lang, decision.due.at - decision.send_at),
        }
    title = _TITLES[lang][key].format(**figures)
    if decision.action is Action.REPEAT:
        title += "（仍未解决）" if lang == "zh" else " (still open)"
    if decision.rule == NEW_SHOP_DAILY and day is not None:
        body = _day_body(lang, day)
    elif decision.due is not None and week is not None:
        body = _reminder_line(lang, decision.due.at, week) + "\n" + _week_body(lang, week)
    elif week is not None:
        body = _week_body(lang, week)
    else:
        body = ""
    return Message(title=title, body=body)


_LISTING_LINES = {
    "zh": {
        REVIEW_WAITING: "店铺 {shop} 有 {waiting} 个商品等待审核（最早的自 {oldest} 起）。\n"
        "统计于 {counted}。审核：localize review --shop {shop}",
        ITEM_BLOCKED: "商品 {product}（条目 {item}，{language}）被拦截，未发布：{reasons}\n"
        "拦截于 {since}。处理后重新发布：localize review show {item}",
        ITEMS_BLOCKED: "{count} 个商品被拦截，未发布：\n{lines}\n"
        "查看全部：localize review list --state blocked",
        "item": "商品 {product}（条目 {item}，{language}）：{reasons}",
        "more": "另有 {more} 个",
        "for_a_person": "其中 {n} 个被退回，等待人工翻译：在审核界面按 e 填写译文，"
        "或 localize review approve ID --set 字段=译文",
    },
    "en": {
        REVIEW_WAITING: "{waiting} item(s) wait for review in shop {shop} (oldest since "
        "{oldest}).\nCounted {counted}. Review them: localize review --shop {shop}",
        ITEM_BLOCKED: "Item {item} (product {product}, {language}) blocked: {reasons}\n"
        "Blocked {since}. Fix it, then publish again: localize review show {item}",
        ITEMS_BLOCKED: "{count} items blocked from publishing:\n{lines}\n"
        "See them all: localize review list --state blocked",
        "item": "item {item} (product {product}, {language}): {reasons}",
        "more": "and {more} more",
        "for_a_person": "{n} of them wait(s) for a person's translation (rejected): e in the "
        "review, or localize review approve ID --set FIELD=TEXT",
    },
}


def render_listing(
    decision: AlertDecision,
    shop: str,
    language: str,
    facts: ListingFacts,
    display: ZoneInfo | None = None,
) -> Message | None:
    """The message of a notice about the shop's listings (None for a silent decision, or
    one about a blocking no longer standing); times in the shop's time (`facts` carry its
    zone) and, where the team's clock differs, the team's beside it."""
    if not decision.notify:
        return None
    lang = language if language in _TITLES else "en"
    figures: dict[str, object] = {"shop": shop}
    if decision.rule == REVIEW_WAITING:
        queue = facts.queue
        figures |= {
            "waiting": queue.waiting,
            "oldest": at(lang, queue.oldest_since, display) if queue.oldest_since else "?",
            "counted": at(lang, queue.counted_at, display) if queue.counted_at else "?",
        }
    elif decision.rule == ITEM_BLOCKED:
        b = facts.blocking(decision.subject)
        if b is None:
            return None
        figures |= {
            "item": b.item_id,
            "product": b.product_id,
            "language": b.language,
            "reasons": _reasons(lang, b)
            or ("（未说明原因）" if lang == "zh" else "(no reason recorded)"),
            "since": at(lang, b.since, display),
        }
    elif decision.rule == ITEMS_BLOCKED:
        figures |= {"count": len(decision.covers), "lines": _blocked_lines(lang, decision, facts)}
    else:
        raise ValueError(f"not a notice about listings: {decision.rule}")
    body = _LISTING_LINES[lang][decision.rule].format(**figures)
    if decision.rule == REVIEW_WAITING and facts.queue.for_a_person:
        body += "\n" + _LISTING_LINES[lang]["for_a_person"].format(n=facts.queue.for_a_person)
    return Message(title=_TITLES[lang][decision.rule].format(**figures), body=body)


def _reasons(lang: str, b: Blocking) -> str:
    """A blocking's reasons in the message's language: rendered from the messages its audit
    entry stored, where it has them; else the English text the item holds."""

    said = from_stored(b.says)
    if isinstance(said, list) and said:
        return catalog(language(lang) or ENGLISH).render(Joined(said, SEMICOLON))
    return b.reasons


BLOCKED_SHOWN = 5  # items a message about many names; the rest are counted


def _blocked_lines(lang: str, decision: AlertDecision, facts: ListingFacts) -> str:
    """The first few blockings a message about many covers, one a line, then how many more."""
    t = _LISTING_LINES[lang]
    shown = [b for b in map(facts.blocking, decision.covers[:BLOCKED_SHOWN]) if b is not None]
    lines = [
        t["item"].format(
            item=b.item_id,
            product=b.product_id,
            language=b.language,
            reasons=_reasons(lang, b)[:300],
        )
        for b in shown
    ]
    if len(decision.covers) > len(shown):
        lines.append(t["more"].format(more=len(decision.covers) - len(shown)))
    return "\n".join(lines)


def time_left(lang: str, left: timedelta) -> str:
    """The time until a due time, rounded down to the minute so it never says more than
    is left: '5 小时 31 分', '5 h 31 min', '6 h' (at least a minute)."""
    minutes = max(1, int(left.total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    units = ("小时", "分") if lang == "zh" else ("h", "min")
    parts = [f"{hours} {units[0]}"] if hours else []
    parts += [f"{minutes} {units[1]}"] if minutes else []
    return " ".join(parts)


def _reminder_line(lang: str, due: datetime, s: WeekStatus) -> str:
    shown = deadline(lang, due, s.display_zone)
    if lang == "zh":
        return f"截止时间：{shown}。"
    return f"Due {shown}."


def _span(lang: str, start: date) -> str:
    end = start + timedelta(days=6)
    if lang == "zh":
        return f"{start.month}月{start.day}日–{end.month}月{end.day}日"
    return f"{start:%d %b}–{end:%d %b %Y}"


_WEEK_LINES = {
    "zh": {
        "summary": "本周（{span}，{zone}）：已发 {counted}/{quota} 条带购物车的原创短视频，"
        "截至目前应发 {due} 条。",
        "overdue": "已逾期 {overdue} 条（第 {k} 条应在 {deadline} 前发布）。",
        "next": "下一条截止：{deadline}；",
        "owed": "本周还差 {remaining} 条，剩余 {days} 天。",
        "ended": "{span}（{zone}）这一周已结束：共发 {counted}/{quota} 条带购物车的原创短视频，",
        "short": "差 {remaining} 条未完成。",
        "met": "已完成目标。",
        "counted": "已计入：{videos}",
        "excluded": "未计入：{videos}",
        "none": "无",
        "join": "、",
        "join_excluded": "；",
        "excluded_item": "{video}（{reason}）",
    },
    "en": {
        "summary": "This week ({span}, {zone}): {counted} of {quota} original product-linked "
        "videos posted; {due} due by now.",
        "overdue": "{overdue} overdue (video {k} was due by {deadline}).",
        "next": "Next due by {deadline}; ",
        "owed": "{remaining} still owed with {days} day(s) left.",
        "ended": "The week of {span} ({zone}) has ended with {counted} of {quota} original "
        "product-linked videos posted: ",
        "short": "{remaining} short of the quota.",
        "met": "the quota was met.",
        "counted": "Counted: {videos}",
        "excluded": "Not counted: {videos}",
        "none": "none",
        "join": ", ",
        "join_excluded": "; ",
        "excluded_item": "{video} ({reason})",
    },
}


def _week_body(lang: str, s: WeekStatus) -> str:
    t = _WEEK_LINES[lang]
    figures = {
        "span": _span(lang, s.week.start),
        # the team reads 曼谷时间, as in the due times, not the code Asia/Bangkok beside it
        "zone": zone_label(s.week.zone, lang) if lang == "zh" else s.week.zone.key,
        "counted": s.counted,
        "quota": s.quota,
        "remaining": s.remaining,
    }
    if s.days_left == 0:  # judged at its end (a missed week): nothing is due or left in it
        verdict = t["short"] if s.remaining else t["met"]
        lines = [t["ended"].format(**figures) + verdict.format(**figures)]
    else:
        lines = [t["summary"].format(due=s.due_by_now, **figures), *_owed_lines(t, lang, s)]
    lines.append(t["counted"].format(videos=t["join"].join(s.counted_ids) or t["none"]))
    if s.excluded:
        reason = _reason_zh if lang == "zh" else str
        items = [t["excluded_item"].format(video=v, reason=reason(r)) for v, r in s.excluded]
        lines.append(t["excluded"].format(videos=t["join_excluded"].join(items)))
    return "\n".join(lines)


def _owed_lines(t: dict[str, str], lang: str, s: WeekStatus) -> list[str]:
    """A week under way: what is overdue, what is due next, what is still owed."""
    lines = []
    if s.overdue_since is not None:
        lines.append(
            t["overdue"].format(
                overdue=s.due_by_now - s.counted,
                k=s.counted + 1,
                deadline=deadline(lang, s.overdue_since, s.display_zone),
            )
        )
    if s.remaining:
        ahead = s.next_due_ahead
        upcoming = deadline(lang, ahead, s.display_zone) if ahead is not None else ""
        nxt = t["next"].format(deadline=upcoming) if upcoming else ""
        lines.append(nxt + t["owed"].format(remaining=s.remaining, days=s.days_left))
    return lines


def _day_body(lang: str, d: DayStatus) -> str:
    if lang == "zh":
        return (
            f"{d.day.month}月{d.day.day}日 发布 {d.counted}/{d.target} 条带货原创视频。"
            "新店前 30 天没有日更的店铺大多在一个月内关店。"
        )
    return (
        f"{d.day:%d %b}: {d.counted} of {d.target} product-linked original videos. "
        "New shops without daily videos mostly close within 30 days."
    )


def _reason_zh(reason: str) -> str:
    if reason == "no product link":
        return "未挂车"
    if reason == "marked not original":
        return "非原创"
    if reason.startswith("re-upload of"):
        return "与 " + reason.split()[2] + " 封面相同，疑似重复上传"
    if reason.startswith("not published"):
        return "未发布"
    return reason


_ENGINE_LINES = {
    "zh": {
        "body": "翻译引擎 {engine} 在一次翻译运行中 {asked} 段文本失败了 {failed} 段{instead}。"
        "最后一次错误：{error}\n请检查 [shops.translation] 的设置和引擎的服务器。",
        "instead": "，已改由 {others} 翻译",
    },
    "en": {
        "body": "Translation engine {engine} failed {failed} of {asked} texts in a run{instead}. "
        "Its last error: {error}\nCheck [shops.translation] and the engine's server.",
        "instead": "; {others} translated them instead",
    },
}


def render_engine_failing(shop: str, language: str, trouble: EngineTrouble) -> Message:
    """The notice of an engine that failed texts in a run (once a day): how many, who
    answered instead, its last error."""
    lang = language if language in _TITLES else "en"
    t = _ENGINE_LINES[lang]
    others = ", ".join(trouble.answered_by)
    body = t["body"].format(
        engine=trouble.engine,
        failed=trouble.failed,
        asked=trouble.asked,
        instead=t["instead"].format(others=others) if others else "",
        error=trouble.last_error[:500] or "-",
    )
    return Message(_TITLES[lang][ENGINE_FAILING].format(shop=shop, engine=trouble.engine), body)
