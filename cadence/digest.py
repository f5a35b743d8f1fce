"""The weekly digest, pure: when it is due, and the one message that sums up every shop.

Its time is a local weekday and time of day in the digest's own timezone, computed on the
calendar (like the shops' weeks), so a DST change moves its UTC moment, never its local one.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cadence.listing_notices import ListingWeek
from cadence.messages import Message
from cadence.quota import History, WeekState


@dataclass(frozen=True)
class DigestTime:
    """When the digest goes out: a weekday (Monday 0), a local time, a timezone."""

    weekday: int
    at: time
    zone: ZoneInfo

    def latest(self, now: datetime) -> datetime:
        """The last digest moment at or before `now` (aware, in the digest's zone)."""
        local = now.astimezone(self.zone)
        day = local.date() - timedelta(days=(local.weekday() - self.weekday) % 7)
        moment = self.on(day)
        return moment if moment <= now else self.on(day - timedelta(days=7))

    def on(self, day: date) -> datetime:
        """The digest's moment on a local date (after a DST gap, the first that exists)."""
        return datetime.combine(day, self.at, self.zone).astimezone(UTC).astimezone(self.zone)


def dedup_key(moment: datetime) -> str:
    """The digest's identity: one per digest date."""
    return f"digest:{moment.date().isoformat()}"


_TEXT = {
    "zh": {
        "title": "【周报】各店铺带货视频（{day}）",
        "shop": "{shop}：上周 {last}，连续达标 {streak} 周；本周 {counted}/{quota}，{state}",
        "met": "达标 {counted}/{quota}",
        "missed": "未达标 {counted}/{quota}",
        "none": "无记录",
        "states": {"met": "已完成", "on_track": "进度正常", "behind": "落后", "at_risk": "有风险"},
        "risk": "本周需要关注：{shops}",
        "calm": "本周暂无落后的店铺。",
        "join": "、",
        "listings": "{shop} 商品：上周 {waited} 个待审核，{blocked} 个被拦截",
        "engine": "{shop}：翻译引擎 {engine} 上周有 {days} 天出错",
    },
    "en": {
        "title": "[digest] Video cadence of every shop ({day})",
        "shop": "{shop}: last week {last}, {streak} week(s) met in a row; "
        "this week {counted}/{quota}, {state}",
        "met": "met {counted}/{quota}",
        "missed": "missed {counted}/{quota}",
        "none": "not tracked",
        "states": {"met": "met", "on_track": "on track", "behind": "behind", "at_risk": "at risk"},
        "risk": "At risk this week: {shops}",
        "calm": "No shop is behind this week.",
        "join": ", ",
        "listings": "{shop} listings: last week {waited} waited for review, {blocked} blocked",
        "engine": "{shop}: translation engine {engine} failed on {days} day(s) last week",
    },
}


def render_digest(
    language: str,
    moment: datetime,
    shops: Sequence[History],
    untracked: Collection[str] = frozenset(),
    listings: Mapping[str, ListingWeek] | None = None,
) -> Message:
    """One message about every shop: last week met or missed (counted of quota), the streak
    of met weeks, and who is behind or at risk this week; last week is "not tracked" for
    the shops in `untracked` (the missed alert's rule: the bot did not know them then).
    A shop whose items waited for review or were blocked last week (`listings`) gets a
    line saying how many."""
    t = _TEXT.get(language, _TEXT["en"])
    day = moment.date()
    lines, risky = [], []
    for h in shops:
        s = h.current
        assert s is not None
        last = "none"
        counted, quota = 0, s.quota
        if s.shop in untracked:
            pass
        elif len(h.weeks) > 1 and h.weeks[1][3] in ("met", "missed"):
            _, counted, quota, last = h.weeks[1]
        state = "at_risk" if s.at_risk else s.state.value
        if s.at_risk or s.state is WeekState.BEHIND:
            risky.append(s.shop)
        lines.append(
            t["shop"].format(
                shop=s.shop,
                last=t[last].format(counted=counted, quota=quota),
                streak=h.streak,
                counted=s.counted,
                quota=s.quota,
                state=t["states"][state],
            )
        )
        week = (listings or {}).get(s.shop)
        if week and week.items:
            lines.append(
                t["listings"].format(shop=s.shop, waited=week.waited, blocked=week.blocked)
            )
        for engine, days in week.engines_failing if week else ():
            lines.append(t["engine"].format(shop=s.shop, engine=engine, days=days))
    lines.append(t["risk"].format(shops=t["join"].join(risky)) if risky else t["calm"])
    shown = f"{day.month}月{day.day}日" if language == "zh" else f"{day:%d %b %Y}"
    return Message(title=t["title"].format(day=shown), body="\n".join(lines))
