"""Times as people read them, for every view of both programs: in the shop's own clock
(or the team's display zone beside it), short ('Fri 27 Nov 18:30', '11月27日（周五）18:30');
`--json` keeps ISO 8601 with its offset. Pure: no settings, no store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from config.i18n import Said

_WEEKDAYS = {
    "zh": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
}


# Cities as a Chinese-reading team names them; other zones by their English city name.
_CITIES_ZH = {
    "Asia/Shanghai": "北京",
    "Asia/Bangkok": "曼谷",
    "Asia/Jakarta": "雅加达",
    "Asia/Ho_Chi_Minh": "胡志明市",
    "Asia/Kuala_Lumpur": "吉隆坡",
    "Asia/Manila": "马尼拉",
    "Asia/Singapore": "新加坡",
    "Europe/London": "伦敦",
    "Europe/Berlin": "柏林",
    "Europe/Paris": "巴黎",
    "America/New_York": "纽约",
    "America/Los_Angeles": "洛杉矶",
}


def zone_label(zone: ZoneInfo, lang: str) -> str:
    """A timezone as the team says it: 'Beijing', 'Bangkok' ('北京时间', '曼谷时间')."""
    if lang == "zh":
        return _CITIES_ZH.get(zone.key, zone.key.rsplit("/", 1)[-1].replace("_", " ")) + "时间"
    if zone.key == "Asia/Shanghai":
        return "Beijing"
    return zone.key.rsplit("/", 1)[-1].replace("_", " ")


def moment_text(lang: str, moment: datetime, *, end_of_day: bool = False) -> str:
    """A moment as the team reads it, in its own timezone: 'Fri 27 Nov 18:30', in Chinese
    '11月27日（周五）18:30'; with `end_of_day`, a midnight is the end of the day before:
    'Fri 27 Nov 24:00'."""
    clock = f"{moment:%H:%M}"
    if end_of_day and clock == "00:00":
        moment, clock = moment - timedelta(days=1), "24:00"
    wd = _WEEKDAYS[lang][moment.weekday()]
    if lang == "zh":  # the weekday after the date, in brackets, as Chinese writes it
        return f"{moment.month}月{moment.day}日（{wd}）{clock}"
    return f"{wd} {moment:%d %b} {clock}"


def same_clock(zone: ZoneInfo, other: ZoneInfo | None, moment: datetime) -> bool:
    """Whether two zones show `moment` alike (one zone, or two with the same offset then:
    Kuala Lumpur and Beijing), so that it is shown once."""
    if other is None or other.key == zone.key:
        return True
    return moment.astimezone(zone).utcoffset() == moment.astimezone(other).utcoffset()


def deadline(lang: str, moment: datetime, display: ZoneInfo | None = None) -> str:
    """A due time (a local midnight) as the end of the day it closes, in the shop's time:
    'Wed 25 Nov 24:00', the very instant --json gives as 2026-11-26T00:00; with a `display`
    zone whose clock differs, that zone's time beside it ('... Bangkok = ... Beijing')."""
    return at(lang, moment, display, end_of_day=True)


def at(
    lang: str, moment: datetime, display: ZoneInfo | None = None, *, end_of_day: bool = False
) -> str:
    """A moment in the shop's time (the zone it carries): 'Wed 25 Nov 18:30'; with a
    `display` zone whose clock differs, that zone's time beside it."""
    shown = moment_text(lang, moment, end_of_day=end_of_day)
    zone = moment.tzinfo
    if not isinstance(zone, ZoneInfo) or same_clock(zone, display, moment):
        return shown
    assert display is not None
    there = moment_text(lang, moment.astimezone(display), end_of_day=end_of_day)
    return f"{shown} {zone_label(zone, lang)} = {there} {zone_label(display, lang)}"


def day_text(lang: str, day: date) -> str:
    """A day as the team reads it: 'Mon 23 Nov 2026', in Chinese '2026年11月23日（周一）'."""
    wd = _WEEKDAYS[lang][day.weekday()]
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日（{wd}）"
    return f"{wd} {day:%d %b %Y}"


def for_people(
    lang: str, moment: datetime, zone: ZoneInfo | None, display: ZoneInfo | None = None
) -> str:
    """A stored (UTC) moment in the shop's `zone`, the `display` zone's clock beside it when
    it differs: 'Fri 27 Nov 18:30 Bangkok = Fri 27 Nov 19:30 Beijing'; without a zone (no
    shops file says where the shop is) in UTC, said so."""
    if moment.tzinfo is None:  # SQLite gives stored UTC moments back naive
        moment = moment.replace(tzinfo=UTC)
    zone = zone or display
    if zone is None:
        return f"{moment_text(lang, moment.astimezone(UTC))} UTC"
    if display is not None and not same_clock(zone, display, moment):
        return at(lang, moment.astimezone(zone), display)  # both clocks, each named
    return f"{moment_text(lang, moment.astimezone(zone))} {zone_label(zone, lang)}"


class Moment(Said):
    """A stored moment as a message's value, said as `for_people` says it in the reader's
    language, in the team's display `zone` (in UTC, said so, without one): a refusal built
    in the core ("already approved by X at …") reads like the rest of review."""

    __slots__ = ("moment", "zone")
    moment: datetime
    zone: ZoneInfo | None

    def __new__(cls, moment: datetime, zone: ZoneInfo | None = None) -> Moment:
        made = str.__new__(cls, for_people("en", moment, None, zone))
        made.text, made.context, made.params = str(made), None, {}
        made.moment, made.zone = moment, zone
        return made

    def said(self, lang: str) -> str:
        """The moment in `lang` (Chinese, else English)."""
        return for_people("zh" if lang == "zh" else "en", self.moment, None, self.zone)

    def __reduce__(self) -> Any:
        return Moment, (self.moment, self.zone)
