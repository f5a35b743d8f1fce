"""Lines of text grouped into blocks, as a designer sees them: lines of one colour, one
size and one weight, aligned on a left edge, a centre or a right edge, close one under the
other, are one paragraph and are set alike (one size, one weight, one alignment).

Pure: a line is plain data measured from the image beforehand.
"""

from __future__ import annotations

from dataclasses import dataclass

Box = tuple[float, float, float, float]  # left, top, right, bottom

SAME_COLOUR = 90.0  # fills within this (sum over R, G, B) are one colour
SAME_HEIGHT = 1.25  # ink heights within this ratio are one size
SAME_WEIGHT = 1.45  # stroke-to-height ratios within this ratio are one weight
ALIGNED = 0.6  # of the ink height: edges (or centres) this close are aligned
CLOSE = 1.3  # of the ink height: the gap between two lines of one block at most
STRAIGHT = 3.0  # degrees: a line tilted less than this is drawn straight (OCR's skew)
TALL = 2.0  # a region this many times taller than wide with 2+ characters is vertical
EDGE_CLEAR = 0.25  # of the ink height: centres this much further apart than edges that
# agree (and twice as far) tell lines set on that edge, not centred
LIST_CLOSE = 2.6  # of the ink height: the gap between two claims of a list at most
EVEN = 0.15  # a list's claims are evenly spaced: each pitch within this share of the first
SMALL = 24.0  # px of ink: text this small has its fill measured diluted by its background
SMALL_COLOUR = 4.0  # so its colours are alike within this many times SAME_COLOUR (d06's
# one grey at 14-18 px was measured 76 to 180)
CJK_EM = 0.9  # of a Chinese glyph's em, its ink (Noto Sans CJK: 0.93): the original's size a
# reader compares a translation with is its em, not its ink (a Latin capital is 0.72 em)
FIGURES_EM = 0.73  # of its em: a line of figures' ink (a price's "¥39.9": its digits' height)


@dataclass(frozen=True)
class Line:
    """One original line as the layout sees it: its box (upright), the height of its ink,
    its fill colour, how heavy its strokes were (stroke over ink height; None: unknown),
    its angle in degrees, and whether it was set vertically (characters stacked)."""

    box: Box
    ink_height: float
    colour: tuple[int, int, int]
    heaviness: float | None = None
    angle: float = 0.0
    vertical: bool = False
    em: float = 0.0  # the size its ink tells, by what it is (size_of); 0: unknown
    marked: bool = False  # it starts with a list's mark or a symbol, measured in its ink

    @property
    def straight(self) -> bool:
        """Whether the line is drawn upright (its tilt is only OCR's skew)."""
        return abs(self.angle) < STRAIGHT


@dataclass(frozen=True)
class Block:
    """Lines (indexes into the lines given, top to bottom) set alike, and how they align."""

    lines: tuple[int, ...]
    align: str  # left | centre | right

    def box(self, lines: list[Line]) -> Box:
        """The union of the block's lines' boxes."""
        boxes = [lines[i].box for i in self.lines]
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )


WAYS = ("left", "centre", "right")  # how lines align, in the order a block takes the first


def untold(a: Box, b: Box, tolerance: float) -> bool:
    """Whether two boxes' alignment cannot be told: their left edges, centres and right
    edges all close (lines of one width)."""
    return alignment(a, b, tolerance) == set(WAYS)


def alignment(a: Box, b: Box, tolerance: float) -> set[str]:
    """The ways two boxes are aligned: their left edges, centres or right edges close."""
    found = set()
    if abs(a[0] - b[0]) <= tolerance:
        found.add("left")
    if abs((a[0] + a[2]) / 2 - (b[0] + b[2]) / 2) <= tolerance:
        found.add("centre")
    if abs(a[2] - b[2]) <= tolerance:
        found.add("right")
    return found


def alike(a: Line, b: Line) -> bool:
    """Whether two lines look the same: colour, size and weight."""
    if a.vertical or b.vertical or not (a.straight and b.straight):
        return False
    # (their sizes, where both are known: a sticker's 到手价 at 44 px over its price
    # ¥39.9 at 64 px have ink 40 and 49 px, a price's figures being shorter than Chinese,
    # and were set as one block in the label's size, the price at 45%: trial s28 D10)
    sizes = (a.em, b.em) if a.em and b.em else (a.ink_height, b.ink_height)
    high, low = max(sizes), min(sizes)
    apart = SAME_COLOUR * (SMALL_COLOUR if max(a.ink_height, b.ink_height) < SMALL else 1.0)
    if sum(abs(x - y) for x, y in zip(a.colour, b.colour, strict=True)) > apart:
        return False
    if low <= 0 or high / low > SAME_HEIGHT:
        return False
    # (a line led by a mark has the mark's strokes measured with its words': 14_symbols'
    # ☒ line read 0.058 against its siblings' 0.10 behind their ●s, was set apart from
    # their list, larger: its weight tells nothing of its words')
    if a.heaviness and b.heaviness and not (a.marked or b.marked):
        heavy, light = max(a.heaviness, b.heaviness), min(a.heaviness, b.heaviness)
        if heavy / light > SAME_WEIGHT:
            return False
    return True


def size_of(text: str, ink_height: float) -> float:
    """The size (em, px) a line's ink tells: Chinese ink over CJK_EM, figures' (digits,
    a currency sign, a point, a percent) over FIGURES_EM; 0 for other text (its letters'
    ink tells no one size: a "good"'s, a "Sale"'s)."""
    text = "".join(text.split())
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return ink_height / CJK_EM
    if (
        text
        and any(ch.isdigit() for ch in text)
        and all(ch.isdigit() or ch in FIGURE_MARKS for ch in text)
    ):
        return ink_height / FIGURES_EM
    return 0.0


FIGURE_MARKS = frozenset("¥￥$€£₫฿%.,:+-~/")


def _neighbours(a: Line, b: Line) -> set[str]:
    """How two alike lines one above the other align, when they are close enough to be
    one block (empty when they are not)."""
    upper, lower = (a, b) if a.box[1] <= b.box[1] else (b, a)
    height = (a.ink_height + b.ink_height) / 2
    gap = lower.box[1] - upper.box[3]
    if gap > CLOSE * height or gap < -0.5 * height:  # far apart, or side by side
        return set()
    return alignment(a.box, b.box, ALIGNED * height)


def group(lines: list[Line]) -> list[Block]:
    """The lines in blocks: alike lines, close one under the other and aligned the same way,
    chained; each block's alignment is the one all its pairs share (left first). A line
    alone takes the edge it shares with a block near it (a title over a left-aligned
    paragraph starts where it does), else it is centred."""
    order = sorted(range(len(lines)), key=lambda i: (lines[i].box[1], lines[i].box[0]))
    blocks: list[tuple[list[int], set[str]]] = []
    for i in order:
        joined = None
        for members, ways in blocks:
            last = lines[members[-1]]
            if not alike(last, lines[i]):
                continue
            shared = _neighbours(last, lines[i]) & ways
            if shared:
                joined = (members, ways, shared)
                break
        if joined is None:
            blocks.append(([i], set(WAYS)))
            continue
        members, ways, shared = joined
        members.append(i)
        ways.intersection_update(shared)
    alone = [m[0] for m, _ in blocks if len(m) == 1]
    edges = {i: _column_edge(lines, i, alone) for i in alone}
    out = []
    for members, ways in blocks:
        align = "centre"
        if len(members) > 1:
            align = next(w for w in WAYS if w in ways)
        elif edges[members[0]]:
            align = edges[members[0]]
        elif lines[members[0]].straight and not lines[members[0]].vertical:
            others = [(m, edges.get(m[0], "")) for m, _ in blocks if m is not members]
            align = _beside(lines, members[0], others)
        out.append(Block(tuple(members), align))
    return sorted(_listed(lines, out), key=lambda b: b.lines[0])


def _listed(lines: list[Line], blocks: list[Block]) -> list[Block]:
    """The blocks with a list's claims made one left-aligned block: lines alone, alike,
    starting at one left edge, one under the other, evenly spaced and further apart than
    a paragraph's lines (CLOSE) but at most LIST_CLOSE, with nothing between them and no
    alike line beside them on their baseline (a table's label has its value there: its
    rules, not a list's gaps, keep the rows apart)."""
    beside = {n for row in side_by_side(lines, blocks) for n in row}
    claims = [
        i
        for n, b in enumerate(blocks)
        if len(b.lines) == 1 and n not in beside
        for i in b.lines
        if lines[i].straight and not lines[i].vertical
    ]
    chains: list[list[int]] = []
    for i in sorted(claims, key=lambda i: lines[i].box[1]):
        line = lines[i]
        for chain in chains:
            last = lines[chain[-1]]
            height = (last.ink_height + line.ink_height) / 2
            gap = line.box[1] - last.box[3]
            pitch = line.box[1] - last.box[1]
            first = lines[chain[1]].box[1] - lines[chain[0]].box[1] if len(chain) > 1 else pitch
            if (
                alike(last, line)
                and abs(last.box[0] - line.box[0]) <= ALIGNED * height
                and 0 <= gap <= LIST_CLOSE * height
                and abs(pitch - first) <= EVEN * first
                and not _between(lines, last, line)
            ):
                chain.append(i)
                break
        else:
            chains.append([i])
    merged = {i: chain for chain in chains if len(chain) > 1 for i in chain}
    out, done = [], set()
    for block in blocks:
        chain = merged.get(block.lines[0]) if len(block.lines) == 1 else None
        if chain is None:
            out.append(block)
        elif chain[0] not in done:
            done.add(chain[0])
            out.append(Block(tuple(chain), "left"))
    return out


def _between(lines: list[Line], upper: Line, lower: Line) -> bool:
    """Whether another line lies between two lines one over the other, across their
    columns."""
    left, right = min(upper.box[0], lower.box[0]), max(upper.box[2], lower.box[2])
    for other in lines:
        if other is upper or other is lower:
            continue
        b = other.box
        if b[3] > upper.box[3] and b[1] < lower.box[1] and b[0] < right and b[2] > left:
            return True
    return False


def _column_edge(lines: list[Line], alone: int, others: list[int]) -> str:
    """The edge a line alone shares with alike lines alone one above the other anywhere
    on the image ("left" or "right"; "" when none): steps of a how-to set far apart on one
    left edge (f05: 200 px apart, each beside its number) are a left-aligned column, not
    each a centred line; lines of one width on one centre stay centred."""
    line = lines[alone]
    if not line.straight or line.vertical:
        return ""
    column = [
        lines[i]
        for i in others
        if i != alone
        and alike(line, lines[i])
        and (lines[i].box[1] >= line.box[3] or lines[i].box[3] <= line.box[1])
    ]
    for edge, side in (("left", 0), ("right", 2)):
        boxes = [line.box] + [
            o.box for o in column if edge in alignment(line.box, o.box, ALIGNED * line.ink_height)
        ]
        if len(boxes) < 2:
            continue
        # on that edge, not on a centre: the edges agree far better than the centres do
        # (f05's steps: left edges within 3 px, centres 22 px apart, inside ALIGNED)
        ends = [b[side] for b in boxes]
        middles = [(b[0] + b[2]) / 2 for b in boxes]
        apart = max(ends) - min(ends)
        if max(middles) - min(middles) > max(2 * apart, EDGE_CLEAR * line.ink_height):
            return edge
    return ""


def _beside(lines: list[Line], alone: int, others: list[tuple[list[int], str]]) -> str:
    """How a line alone aligns: on the left (or right) edge it shares with lines within a
    few lines of it (a block, or other lines alone: a column of labels); else centred. A
    neighbour set on a column's edge lends only that edge: a title's right edge near a left
    column's first line's is chance (f05's, 24 px apart, set the title right-aligned)."""
    line = lines[alone]
    for members, edge in others:
        if not all(lines[i].straight and not lines[i].vertical for i in members):
            continue
        boxes = [lines[i].box for i in members]
        box = (min(b[0] for b in boxes), min(b[1] for b in boxes),
               max(b[2] for b in boxes), max(b[3] for b in boxes))  # fmt: skip
        gap = max(box[1] - line.box[3], line.box[1] - box[3])
        if gap > 3 * line.ink_height or gap < -0.5 * line.ink_height:
            continue
        ways = alignment(line.box, box, ALIGNED * lines[members[0]].ink_height)
        if (
            "centre" in ways
            and not any(alike(line, lines[i]) for i in members)
            and _on_centre(line.box, box, line.ink_height)
        ):  # (lines of one look in a column are a column: _column_edge and columns())
            return "centre"
        if "left" in ways and edge != "right":  # (lines of one width: left, as product
            return "left"  # copy mostly is)
        if "right" in ways and "centre" not in ways and edge != "left":
            return "right"
    return "centre"


def _on_centre(a: Box, b: Box, ink: float) -> bool:
    """Whether two boxes of lines of different looks are set on one centre, not on an
    edge: their centres agree far better than either edge does (as _column_edge tells an
    edge from a centre, the other way round): a price card's label and old price, centres
    1.5 px apart and lefts 15 (g03), within ALIGNED of either, were taken for left-aligned.
    (Alike lines are a column's: g02's spec labels, 容量 centred under the wider 产品名称
    and 材质 left-aligned under 容量, came out half centred, half on one left edge.)"""
    middles = abs((a[0] + a[2]) / 2 - (b[0] + b[2]) / 2)
    edges = min(abs(a[0] - b[0]), abs(a[2] - b[2]))
    return edges > max(2 * middles, EDGE_CLEAR * ink)


def columns(lines: list[Line], blocks: list[Block]) -> list[list[int]]:
    """Blocks that look alike and share an edge anywhere on the image (a column of labels
    set apart), as lists of block indexes: a designer sets them in one size."""
    found: list[list[int]] = []
    for n, block in enumerate(blocks):
        first = lines[block.lines[0]]
        for column in found:
            other = blocks[column[0]]
            head = lines[other.lines[0]]
            if other.align != block.align or not alike(head, first):
                continue
            shared = alignment(block.box(lines), other.box(lines), ALIGNED * first.ink_height)
            if block.align in shared:
                column.append(n)
                break
        else:
            found.append([n])
    return [c for c in found if len(c) > 1]


def side_by_side(lines: list[Line], blocks: list[Block]) -> list[list[int]]:
    """Blocks of one line each that look alike and stand side by side on one baseline (a
    table's header cells, a row of badges), as lists of block indexes, left to right: a
    designer sets them in one size."""
    found: list[list[int]] = []
    alone = [n for n, b in enumerate(blocks) if len(b.lines) == 1]
    for n in sorted(alone, key=lambda n: lines[blocks[n].lines[0]].box[0]):
        line = lines[blocks[n].lines[0]]
        if not line.straight or line.vertical:
            continue
        for row in found:
            head = lines[blocks[row[0]].lines[0]]
            if alike(head, line) and abs(head.box[3] - line.box[3]) <= ALIGNED * head.ink_height:
                row.append(n)
                break
        else:
            found.append([n])
    return [r for r in found if len(r) > 1]
