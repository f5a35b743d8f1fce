"""What an image shows of the product, pure: its silhouette on a studio backdrop, and which
text regions are printed on it (the product's own label, kept) rather than laid
over the picture by the supplier (overlay text, replaced).

The rule is deliberately conservative, because keeping overlay Chinese by mistake leaves
a non-compliant image while erasing a label misrepresents the product; so a region counts
as the product's printing only when every one of these holds:

1. the picture has a studio backdrop: most of its border (BACKGROUND_SHARE) is one plain
   colour or lies on one smooth gradient (a quadratic surface fitted to the border, then to
   every px on it), flooded inwards from the border, and lies on one smooth surface all
   but its shadows (SMOOTH: a blurred photo's soft tones do not, however grey or sepia
   they are, though its border lies within PLAIN of one grey); a photo or a full-bleed panel has no
   silhouette and every region on it is overlay text, unless a plain card laid over it
   (CARD_SHARE of it, touching no edge: a poster's) carries the product, the card then
   its backdrop and what stands on it never a text panel;
2. the product is the largest thing that is not background (at least PRODUCT_SHARE of the
   picture, holes filled: what is printed on it belongs to it), and not a banner (a shape
   touching two opposite edges of the picture is a panel laid across it), not a frame
   (a table: mostly the background's own colour inside its rules, HOLLOW, or, whatever
   its cells' shades, ruled from edge to edge into cells of plain fills), and, on a
   gradient, not a text panel (a card or a sticker: one smooth fill outside the text
   regions, PANEL; the plain backdrop's rule is as the trials measured it);
3. the region and a margin around it (half its height) lie inside the silhouette
   (INSIDE share): the pixels around the letters are the product's, not the page's or a
   banner's, so text beside the product or straddling its edge is overlay;
4. the text is label-sized: at most LABEL_HEIGHT of the product's height, unless it is
   skewed or curved with the product's surface (its outline leans over SKEW degrees or is
   not a rectangle), which a headline laid over the photo never is, or it is a name printed
   large on a face of the product (at most FACE_HEIGHT) with the product a line's height
   all round it (INSIDE of the region grown by its height), where a headline laid over the
   product runs near or past its edges;
5. the text does not sit on a sticker laid over the product: a shape of one smooth fill
   but for its text, smaller than the rest of the thing, running off the product (STICKER_OUT
   of it past the rest's box) and over it (STICKER_BITE of it inside that box). A
   sticker touching the product stands on the backdrop with it as one thing, and its text
   is label-sized inside that thing (the kit's 06: 到手价 on a red disc over a box's corner).
   Such a shape running off the product but not over it (a tag beside it, a lid, a cap) is
   kept, doubted. (The rest's box, not its outline: a face of a box in 3/4 view, the
   giftbox's, runs past the outline of the faces above and beside it, never past their box;
   so a sticker over a round product's rim, inside its box, is not told.)

Everything is measured on a copy at most WORK_SIDE px on its longer side: a silhouette
needs no more, and a 3000 px picture costs the same as a 300 px one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from config.i18n import msg
from localize.image.colors import largest_channel
from localize.image.ocr import Point

OVERLAY, PRINTING, PRICE = "overlay", "printing", "price"  # a region's kind
LAID, BESIDE = "laid", "beside"  # a sticker laid over the product, or one beside it
KIND_NAMES = {  # as review shows them; the region's state says what was done
    OVERLAY: msg("overlay text"),
    PRINTING: msg("the product's own printing"),
    PRICE: msg("a yuan price"),
}
WORK_SIDE = 320  # px: the silhouette is found on a copy this large
PLAIN = 18  # a pixel within this (per channel) of the border's colour is background
BACKGROUND_SHARE = 0.6  # of the border: a studio background
PRODUCT_SHARE = 0.04  # of the picture: the least a product covers
INSIDE = 0.9  # of the region and its margin: inside the product
LABEL_HEIGHT = 0.12  # of the product's height: label text, not a headline
FACE_HEIGHT = 0.2  # of the product's height: a name printed large on its face, when the
# product lies a line's height all round it (trial-img12 g06: 0.127; a headline over a bottle
# in the tests, 0.17, runs past its edges)
SKEW = 3.0  # degrees: text leaning more follows the product's surface
PANEL = 0.85  # of a thing outside its text, one smooth fill: a panel laid to carry text (a
# card of claims, trial-img8 c02: 0.9 with its letters even; p4's box 0.74, b06's 0.74)
DOUBT_PANEL = 0.9  # of a thing on a plain backdrop outside its text, one smooth fill: its
# printing is kept but said (imagesynth's list, bullets and paragraph panels taken for the
# product: 0.91-0.98; the giftbox 0.83, card-bottle's bottle 0.85, the tests' bottle 0.65)
DOUBT_HOLLOW = 0.3  # of a thing, the page's own colour inside: its printing is kept but
# said (a spec table ruled one way, header shaded: 0.42; the kit's and the tests' products
# 0.03 at most, config/example's flask 0.19; HOLLOW's trials 0.28)
STICKER_OUT = 0.25  # of a shape carrying text: past the box of the rest of the thing, it
# runs off the product (the kit's 06: its red disc 0.6 past the grey box, imagesynth's
# product-sticker 0.58; a label on a face, the giftbox's, the kit's 05 and the tests'
# bottles', 0)
STICKER_BITE = 0.2  # of that shape: inside the rest's box as well, it is laid over the
# product (06: 0.4, product-sticker 0.42); a lid, a cap or a tag beside it reaches no
# further in than its seam
SMOOTH = 0.75  # of a backdrop's px, on one smooth surface (_smooth_share): a studio's (the
# kit's and the tests' 0.77-0.99, a table on a page whose light rows count as the page 0.78,
# marble's veins 0.80); a blurred photo's soft tones, grey, sepia or muted (the trial s32's
# speech bubbles 0.57, imagesynth paragraph 0.56-0.59, sticker 0.69, watermarks 0.37)
DOUBT_SMOOTH = 0.9  # of a backdrop, on one smooth surface: less, and the printing kept on
# what stands on it is said (a photo's soft tones over SMOOTH may still be a photo: a
# speech bubble on a sepia one, 0.86; the kit's and the tests' studio shots 0.92-0.99)
CARD_SHARE = 0.2  # of the picture: the least a card carrying the product covers (g01: 0.27)
CARD_INSET = 0.03  # of a card's size: past its rounded corners, into its own colour
OBJECT_RING = 0.6  # of the ring round a region's letters in one shaded area: they sit on it
RULE_SIDE = 800  # px: a table's rules are looked for on its own crop this large
RULE_REACH = 6  # px (on that crop): a rule is thinner; its px differ from those this far off
RULE_SPAN = 0.9  # of a thing's width: a table's rule runs across all of it
CELL_FILL = 0.7  # of a table's cells' px: each cell's own plain fill, its text and all (the
# kit's 07 and 07c: 0.93, imagesynth ruled-cells 0.94; no product in the tests or the kit
# is ruled across both ways to be asked)
HOLLOW = 0.5  # of the silhouette, holes filled: more of the page's own colour inside is a
# frame (a size chart's rules round white cells: trial-img9 e06 0.73, spec tables 0.56-0.87),
# not a product (every product on a plain backdrop in the trials: 0.28 at most)


def silhouette(rgb: Any, texts: Sequence[Sequence[Point]] = ()) -> Any | None:
    """The product's silhouette as a boolean array of `rgb`'s height x width (an H x W x 3
    uint8 array), or None when the picture has no studio backdrop or no product; the
    text regions `texts` on it, when known, are not counted as its own fill."""
    return Product(rgb).silhouette(texts)


class Product:
    """What one picture `rgb` (an H x W x 3 uint8 array) shows of its product, worked out
    once and asked as often as needed: its work copy, and the biggest thing standing on its
    backdrop, from which its silhouette is cut with or without the text regions counted.
    The regions' kinds, on_an_object and the layout each found the silhouette again (its
    backdrop, its parts, its holes: 10-40 ms a time at 1000 px), and two of them on the
    same picture."""

    def __init__(self, rgb: Any) -> None:
        self.rgb = rgb
        self._work: tuple[Any, float] | None = None
        self._shape: tuple[Any, ...] | None = None
        self._cut: dict[tuple[tuple[Point, ...], ...], Any | None] = {}
        self._areas: Any | None = None

    def work_copy(self) -> tuple[Any, float]:
        """The picture at most WORK_SIDE px on its longer side, and the scale it was shrunk
        by (_work_copy's), made once."""
        if self._work is None:
            self._work = _work_copy(self.rgb)
        return self._work

    def silhouette(self, texts: Sequence[Sequence[Point]] = ()) -> Any | None:
        """The module's silhouette (see silhouette()) with the text regions `texts` not
        counted as the product's own fill; each set of regions cut once."""
        key = tuple(tuple(tuple(p) for p in polygon) for polygon in texts)
        if key not in self._cut:
            self._cut[key] = self._silhouette(texts)
        return self._cut[key]

    def _silhouette(self, texts: Sequence[Sequence[Point]]) -> Any | None:
        import cv2
        import numpy as np

        found = self._biggest()
        if found is None:
            return None
        inner, small, scale, shape, plain, _, _ = found
        if inner is not None:  # the padding is ours: the texts as they lie on the picture
            top, left = inner[0], inner[1]
            texts = [[(x - left, y - top) for x, y in p] for p in texts]
        if not plain and _panel(small, shape > 0, texts, scale):
            return None  # one smooth fill but for its text: a card of claims, a sticker
        rgb = self.rgb
        h, w = rgb.shape[:2]
        if inner is not None:
            h, w = inner[2] - inner[0], inner[3] - inner[1]
        if scale < 1:
            shape = cv2.resize(shape, (w, h), interpolation=cv2.INTER_NEAREST)
        shape = shape.astype(bool)
        if inner is None:
            return shape
        top, left, bottom, right = inner
        whole = np.zeros(rgb.shape[:2], bool)
        whole[top:bottom, left:right] = shape
        return whole

    def _biggest(self) -> tuple[Any, ...] | None:
        """Where the picture lies inside our own padding (or None), its work copy and scale,
        the biggest thing on its backdrop (uint8, holes filled, on the work copy), whether
        the backdrop is plain, how much of the thing is the backdrop's colour and how much
        of the backdrop lies on one smooth surface (_smooth_share); None when
        there is no product to be found (the module's rules 1 and 2 but for the text
        panel)."""
        if self._shape is None:
            self._shape = (self._find(),)
        return self._shape[0]

    def sticker(
        self, polygon: Sequence[Point], texts: Sequence[Sequence[Point]] = ()
    ) -> str | None:
        """Whether the region `polygon` sits on a sticker (the module's rule 5): LAID over
        the product (its text is overlay), BESIDE it (running off the product but not over
        it: kept, doubted), or None (not on a shape of its own, or one that is part of the
        product); `texts`, all the picture's text regions, are not counted as its fill."""
        import cv2
        import numpy as np

        found = self._biggest()
        if found is None:
            return None
        inner, small, scale, shape, _, _, _ = found
        if inner is not None:
            top, left = inner[0], inner[1]
            polygon = [(x - left, y - top) for x, y in polygon]
            texts = [[(x - left, y - top) for x, y in p] for p in texts]
        if self._areas is None or self._areas[0] is not small:
            self._areas = (small, _smooth_areas(small))
        labels = self._areas[1]
        area = _under(labels, polygon, scale)
        if area is None:
            return None
        sh, sw = labels.shape
        fill = _filled(labels == area) > 0  # the shape, its letters inside it
        thing = shape > 0
        if (fill & thing).sum() < INSIDE * fill.sum():
            return None  # not a part of the thing: the backdrop's
        # the rest of the thing: without the shape, its edge (the steps round it are no
        # area's) and its rim (a white ring round a badge), all thinner than a tenth of
        # the shape's width, which would join the rest past the shape; its box is all its
        # parts' (a label band across a can parts the can in two, both the can)
        edge = cv2.dilate(fill.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
        rim = 2 * round(0.05 * math.sqrt(fill.sum())) + 1
        rest = cv2.morphologyEx(
            (thing & ~edge).astype(np.uint8),
            cv2.MORPH_OPEN,
            cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (rim, rim)),
        )
        if rest.sum() < max(fill.sum(), PRODUCT_SHARE * sh * sw):
            return None  # the text lies on the thing's bulk: the product's own face
        ys, xs = np.nonzero(rest)
        y, x, bh, bw = int(ys.min()), int(xs.min()), int(np.ptp(ys)) + 1, int(np.ptp(xs)) + 1
        within = int(fill[y : y + bh, x : x + bw].sum())
        if within > (1 - STICKER_OUT) * fill.sum():
            return None  # within the product's extent: a label on it
        if not _panel(small, fill, texts or [polygon], scale):
            return None  # a picture, a window, a pattern: not a plain shape laid on
        return LAID if within >= STICKER_BITE * fill.sum() else BESIDE

    def _find(self) -> tuple[Any, ...] | None:
        import cv2
        import numpy as np

        rgb, inner = self.rgb, None
        while (within := _unpadded(rgb)) is not None:
            # the padding is ours, not a studio's: the picture is inside it
            top, left, bottom, right = within
            rgb = rgb[top:bottom, left:right]
            if inner is not None:
                top, left = top + inner[0], left + inner[1]
            inner = (top, left, top + rgb.shape[0], left + rgb.shape[1])
        small, scale = self.work_copy() if inner is None else _work_copy(rgb)
        sh, sw = small.shape[:2]
        if sh < 8 or sw < 8:
            return None
        near, plain = _backdrop(small)
        if near is None:
            # no studio backdrop: a poster (trial-img12 g01, rays) may lay a card over
            # itself on which the product stands, the card its backdrop (the card's
            # inner part, past its rounded corners, taken as the picture)
            if (card := _card(small)) is None:
                return None
            top, left, bottom, right = (round(v / scale) for v in card)
            rgb = rgb[top:bottom, left:right]
            if inner is not None:
                top, left = top + inner[0], left + inner[1]
            inner = (top, left, top + rgb.shape[0], left + rgb.shape[1])
            small, scale = _work_copy(rgb)
            sh, sw = small.shape[:2]
            near, plain = _backdrop(small)
            if sh < 8 or sw < 8 or near is None or not plain:
                return None
            plain = False  # what stands on a card must not be a text panel (_panel)
        _, labels = cv2.connectedComponents(near, connectivity=4)
        edge = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
        touching = np.unique(edge[edge > 0])
        background = np.isin(labels, touching)
        smooth = _smooth_share(small, background)
        if smooth < SMOOTH:
            return None  # a photo's soft tones, however grey: no studio backdrop
        count, parts, stats, _ = cv2.connectedComponentsWithStats(
            (~background).astype(np.uint8), connectivity=8
        )
        if count < 2:
            return None
        biggest = 1 + int(stats[1:, cv2.CC_STAT_AREA].argmax())
        x, y, bw, bh, area = (int(v) for v in stats[biggest])
        if area < PRODUCT_SHARE * sh * sw:
            return None
        if (x == 0 and x + bw == sw) or (y == 0 and y + bh == sh):
            return None  # a banner laid across the picture, not a product standing on it
        shape = _filled(parts == biggest)
        hollow = float(near[shape.astype(bool)].mean())
        if hollow > HOLLOW:
            return None  # mostly the page's own colour inside: a table's or a card's frame
        if _table(rgb, shape, scale):
            return None  # ruled into cells of plain fills, whatever their shade: a table
        return inner, small, scale, shape, plain, hollow, smooth


def _under(labels: Any, polygon: Sequence[Point], scale: float) -> int | None:
    """The softly shaded area (of `labels`, _smooth_areas' on the work copy shrunk by
    `scale`) the region `polygon`'s letters sit on: most (OBJECT_RING) of the ring round
    them, half their height wide, lies in it; None when none does (a texture, a photo's
    detail, the letters over several)."""
    import cv2
    import numpy as np

    sh, sw = labels.shape
    outline = np.round(np.array(polygon, np.float32) * scale).astype(np.int32)
    text = np.zeros((sh, sw), np.uint8)
    cv2.fillPoly(text, [outline], 1)
    tall = max(2, int(np.ptp(outline[:, 1])))
    ring = cv2.dilate(text, np.ones((tall + 1, tall + 1), np.uint8)) > 0
    ring &= cv2.dilate(text, np.ones((3, 3), np.uint8)) == 0
    found = labels[ring]
    found = found[found > 0]
    if not len(found):
        return None
    area = int(np.bincount(found).argmax())
    return area if (found == area).mean() >= OBJECT_RING else None


def _table(rgb: Any, shape: Any, scale: float) -> bool:
    """Whether the thing `shape` (uint8 over the work copy of `rgb`, shrunk by `scale`) is
    a table: thin straight rules (RULE_REACH) run across all of it (RULE_SPAN), at least
    one inside it each way or two one way, and cut it into cells mostly of one plain fill
    each (CELL_FILL of their px, their text and all). HOLLOW sees a table of white cells;
    shaded cells are not the page's colour (the kit's 07: a 2x3 spec table with its
    header row shaded, 0.41 of it the page's, was taken for a solid product and two of
    its headers kept as printing), nor white ones on a grey page (imagesynth ruled-cells).
    Read on the thing's own crop at most RULE_SIDE px long: a 2 px rule is lost on the
    work copy. A product is seldom ruled edge to edge, and then not into plain cells."""
    import cv2
    import numpy as np

    ys, xs = np.nonzero(shape)
    top, bottom, left, right = int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1
    h, w = rgb.shape[:2]
    crop = rgb[
        max(0, math.floor(top / scale)) : min(h, math.ceil(bottom / scale)),
        max(0, math.floor(left / scale)) : min(w, math.ceil(right / scale)),
    ]
    size = min(1.0, RULE_SIDE / max(crop.shape[:2]))
    if size < 1:
        wide, tall = max(1, round(crop.shape[1] * size)), max(1, round(crop.shape[0] * size))
        crop = cv2.resize(crop, (wide, tall), interpolation=cv2.INTER_AREA)
    tall, wide = crop.shape[:2]
    if min(tall, wide) <= 4 * RULE_REACH:
        return False
    inside = shape[top:bottom, left:right].astype(np.uint8)
    inside = cv2.resize(inside, (wide, tall), interpolation=cv2.INTER_NEAREST) > 0
    px = crop.astype(np.int16)
    across = _rules(px, inside)
    down = _rules(px.transpose(1, 0, 2), inside.T)
    if not (across and down) and max(len(across), len(down)) < 2:
        return False
    cells, total = 0.0, 0
    bands = [0, *across, tall]
    stripes = [0, *down, wide]
    for y0, y1 in zip(bands, bands[1:], strict=False):
        for x0, x1 in zip(stripes, stripes[1:], strict=False):
            cell = px[y0 + RULE_REACH : y1 - RULE_REACH, x0 + RULE_REACH : x1 - RULE_REACH]
            cell = cell[
                inside[y0 + RULE_REACH : y1 - RULE_REACH, x0 + RULE_REACH : x1 - RULE_REACH]
            ]
            if not len(cell):
                continue
            off = largest_channel(np.abs(cell - np.median(cell, axis=0).astype(np.int16)))
            cells += float((off <= PLAIN).sum())
            total += len(cell)
    return total > 0 and cells / total >= CELL_FILL


def _rules(px: Any, inside: Any) -> list[int]:
    """Where thin rules run across the thing `inside` (boolean H x W) on its crop `px`
    (int16 H x W x 3), row by row: the middle row of each run of rows whose px, over
    RULE_SPAN of the thing's width there (itself RULE_SPAN of the crop's), differ by more
    than PLAIN from the px RULE_REACH above and below both; the thing's own outline, which
    the backdrop lies beside, is none, nor is a band wider than a rule (its inside is like
    itself either side), nor the step between two fills."""
    import numpy as np

    k = RULE_REACH
    middle = px[k:-k]
    line = largest_channel(np.abs(middle - px[: -2 * k])) > PLAIN
    line &= largest_channel(np.abs(middle - px[2 * k :])) > PLAIN
    within = inside[k:-k] & inside[: -2 * k] & inside[2 * k :]
    span = within.sum(axis=1)
    ruled = (span >= RULE_SPAN * px.shape[1]) & ((line & within).sum(axis=1) >= RULE_SPAN * span)
    rows = np.nonzero(ruled)[0] + k
    runs = np.split(rows, np.nonzero(np.diff(rows) > 1)[0] + 1) if len(rows) else []
    return [int(run[len(run) // 2]) for run in runs]


def doubted(
    rgb: Any,
    polygons: Sequence[Sequence[Point]],
    kinds: Sequence[str],
    product: Product | None = None,
) -> list[bool]:
    """Which printing regions (of `kinds`, region_kinds') lie on a thing that may not be
    the product, kept all the same but to be said to a reviewer: more of the page's own
    colour inside it than any product the trials measured (DOUBT_HOLLOW, under HOLLOW: a
    frame not told by its rules, a table ruled one way only), or, outside its text, one
    smooth fill as a card, a sticker or a table's cell is (DOUBT_PANEL; a plain backdrop's
    things are not held to PANEL), or on a backdrop that may be a photo's soft tones (less
    of it on one smooth surface than DOUBT_SMOOTH: a speech bubble joined to a sepia
    photo's blobs); or each region on a shape of one fill running off the
    product but not over it (Product.sticker's BESIDE: a tag, a lid). `product`, when
    given, is the picture's Product."""
    flags = [False] * len(polygons)
    if PRINTING not in kinds:
        return flags
    product = product or Product(rgb)
    found = product._biggest()
    if found is None:
        return flags
    inner, small, scale, shape, _, hollow, smooth = found
    texts = polygons
    if inner is not None:
        top, left = inner[0], inner[1]
        texts = [[(x - left, y - top) for x, y in p] for p in texts]
    doubt = hollow > DOUBT_HOLLOW or smooth < DOUBT_SMOOTH
    doubt = doubt or _panel(small, shape > 0, texts, scale, DOUBT_PANEL)
    return [
        kind == PRINTING and (doubt or product.sticker(polygon, polygons) == BESIDE)
        for polygon, kind in zip(polygons, kinds, strict=True)
    ]


def _card(small: Any) -> tuple[int, int, int, int] | None:
    """Where a card laid over the work copy `small` lies (top, left, bottom, right, inset
    by CARD_INSET of its size past rounded corners): the largest softly shaded area that
    touches no edge of the picture (the poster's own ground does) and covers at least
    CARD_SHARE of it; None when there is none. (_find then takes it for a backdrop only
    when its border is one plain colour.)"""
    import numpy as np

    labels = _smooth_areas(small)
    sh, sw = labels.shape
    areas = np.bincount(labels.ravel())
    areas[0] = 0
    best = int(areas.argmax())
    if not best or areas[best] < CARD_SHARE * sh * sw:
        return None
    ys, xs = np.nonzero(labels == best)
    if ys.min() == 0 or xs.min() == 0 or ys.max() == sh - 1 or xs.max() == sw - 1:
        return None  # the poster's ground, or a band across it
    top, left, bottom, right = int(ys.min()), int(xs.min()), int(ys.max()) + 1, int(xs.max()) + 1
    dy, dx = round(CARD_INSET * (bottom - top)), round(CARD_INSET * (right - left))
    return top + dy, left + dx, bottom - dy, right - dx


def _filled(shape: Any) -> Any:
    """The boolean `shape` as uint8 with its holes filled (what a flood from the corner
    outside it does not reach is inside it: its letters, its window, its picture)."""
    import cv2
    import numpy as np

    sh, sw = shape.shape
    filled = shape.astype(np.uint8)
    holes = filled.copy()
    cv2.floodFill(holes, np.zeros((sh + 2, sw + 2), np.uint8), (0, 0), 1)
    return filled | (holes == 0).astype(np.uint8)


def _unpadded(rgb: Any) -> tuple[int, int, int, int] | None:
    """Where a picture padded to the aspect range (inputs.fit_size: margins of one exact
    colour on two opposite sides) lies on its canvas (top, left, bottom, right), when its
    own edges there are mostly not of that colour (a full-bleed page: trial-img10 f12, a
    750x2000 detail page whose padding stood for a studio backdrop, the page for the
    product); None when there is no such margin (a studio shot's own backdrop, however
    plain, runs all round its product: its rows above and below are margin too)."""
    import numpy as np

    h, w = rgb.shape[:2]
    colour = rgb[0, 0]
    same = rgb[..., 0] == colour[0]  # (channel by channel: no full-frame H x W x 3 copy)
    for c in (1, 2):
        same &= rgb[..., c] == colour[c]
    for axis in (0, 1):  # margins left and right (columns all of it), or top and bottom
        full, across = same.all(axis=axis), same.all(axis=1 - axis)
        if full.all() or not (full[0] and full[-1]) or across[0] or across[-1]:
            continue  # no margins both sides, or margins all round (a studio's backdrop)
        start = int(np.argmin(full))
        end = len(full) - int(np.argmin(full[::-1]))
        edges = (rgb[:, [start, end - 1]] if axis == 0 else rgb[[start, end - 1]]).astype(np.int16)
        if (np.abs(edges - colour).max(axis=-1) > PLAIN).mean() <= 0.5:
            continue  # the margin's colour runs on into the picture: its own backdrop
        return (0, start, h, end) if axis == 0 else (start, 0, end, w)
    return None


def _backdrop(small: Any) -> tuple[Any | None, bool]:
    """Which px of the work copy `small` are its backdrop's (uint8 H x W, 1 for the
    backdrop), or None when most of its border is neither one plain colour nor a smooth
    gradient (a photo, a texture); and whether it is plain (its border one colour)."""
    import numpy as np

    px = small.astype(np.float32)
    border = np.concatenate([px[0], px[-1], px[:, 0], px[:, -1]])
    colour = np.median(border, axis=0)
    if (np.abs(border - colour).max(axis=1) <= PLAIN).mean() < BACKGROUND_SHARE:
        shaded = _shaded(px)
        return (None, False) if shaded is None else (shaded.astype(np.uint8), False)
    near = largest_channel(np.abs(px - colour)) <= PLAIN
    # a border of one colour may still ring a shaded backdrop: a vignette's bright
    # middle, far from the border's colour, is backdrop on the surface it lies on, not
    # the product (trial 13 g06: the lamp's silhouette was a 760 px disc of its
    # vignette, and the selling points beside it were set in a 100 px wide column); the
    # surface is fitted to the border's px of its colour (a badge in a corner is none),
    # and a step between neighbours stays the thing's (a white lampshade's thin outline
    # on the vignette's bright middle keeps it whole, its inside a hole filled)
    shaded = _shaded(px, near)
    if shaded is not None:
        near |= shaded & (_smooth_areas(small) > 0)
    return near.astype(np.uint8), True


def _smooth_share(small: Any, backdrop: Any) -> float:
    """How much of the backdrop `backdrop` (boolean H x W) of the work copy `small` lies on
    one smooth surface (a plain colour or a gradient), within PLAIN / 3 once its noise is
    blurred away: a studio's backdrop does, all but its shadows; a photo's soft tones do
    not, however grey (a blurred grey or sepia scene's border lies within PLAIN of one
    colour, where the same scene in colour does not)."""
    import cv2
    import numpy as np

    ys, xs = np.nonzero(backdrop)
    if not len(ys):
        return 0.0
    px = cv2.GaussianBlur(small, (5, 5), 0)[ys, xs].astype(np.float32)
    sh, sw = backdrop.shape
    x, y = xs / max(1, sw - 1), ys / max(1, sh - 1)
    near = np.ones(len(px), bool)
    for _ in range(2):  # fitted to all of it, then to what lies on the surface
        fitted = _fit(x[near], y[near], px[near])
        near = np.abs(px - _surface(fitted, x, y)).max(axis=1) <= PLAIN / 3
    return float(near.mean())


def _shaded(px: Any, start: Any = None) -> Any | None:
    """Which px of the work copy `px` (float32) lie on the smooth surface its border lies
    on (boolean H x W), or None when most of its border lies on none (a photo, a texture);
    `start`: the px (boolean H x W) of its border the first fit is made to (all of it:
    None)."""
    # a supplier's gradient (trial-img7 p4: a box on shading, its printing overwritten):
    # a smooth surface fitted to the border, then refitted to every px that lies on it
    # (the border alone says little of the middle); what departs from it stands on it
    import cv2
    import numpy as np

    sh, sw = px.shape[:2]
    # the surface is worked out on a grid of every 4th px and stretched (it is smooth):
    # a whole work copy's worth of arithmetic cost more than all the rest
    x = np.linspace(0, 1, (sw + 3) // 4, dtype=np.float32)[None, :]
    y = np.linspace(0, 1, (sh + 3) // 4, dtype=np.float32)[:, None]
    ring = np.zeros((sh, sw), bool)
    ring[0] = ring[-1] = ring[:, 0] = ring[:, -1] = True
    on = ring if start is None else ring & start
    for _ in range(3):
        ys, xs = np.nonzero(on)
        fitted = _fit(xs / max(1, sw - 1), ys / max(1, sh - 1), px[ys, xs])
        surface = cv2.resize(_surface(fitted, x, y), (sw, sh), interpolation=cv2.INTER_LINEAR)
        off = largest_channel(cv2.absdiff(px, surface))
        if (off[ring] <= PLAIN).mean() < BACKGROUND_SHARE:
            return None
        on = off <= PLAIN / 2  # the surely backdrop px the next fit learns from
        on[1::2] = False  # (every other row and column is enough to fit to)
        on[:, 1::2] = False
        on |= ring & (off <= PLAIN / 2)
    return off <= PLAIN


SAMPLES = 4000  # px a surface is fitted to: a smooth shading needs no more


def _fit(x: Any, y: Any, values: Any) -> Any:
    """The least-squares quadratic surface (6 x 3 coefficients, see _surface) through
    `values` (N x 3) at `x`, `y` (N, 0..1), fitted to at most SAMPLES of them spread
    evenly: a smooth shading needs no more (all of a work copy: 40 ms a fit)."""
    import numpy as np

    step = max(1, len(values) // SAMPLES)
    x, y = np.asarray(x[::step], np.float64), np.asarray(y[::step], np.float64)
    a = np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], axis=-1)
    b = np.asarray(values[::step], np.float64)
    try:  # the normal equations, 6 x 6: lstsq's SVD costs ~15 ms a fit
        fitted = np.linalg.solve(a.T @ a, a.T @ b)
    except np.linalg.LinAlgError:  # too few px, or all on one line
        fitted = np.linalg.lstsq(a, b, rcond=None)[0]
    return fitted.astype(np.float32)


def _surface(fitted: Any, x: Any, y: Any) -> Any:
    """The quadratic surface `fitted` (_fit's) at `x`, `y` (broadcast together), with the
    colour on a last axis: a shading with one bend each way, what a studio's or a
    supplier's backdrop is. Summed term by term: a matrix product of the whole work copy
    costs more than the fit."""
    c = fitted
    x, y = x[..., None], y[..., None]
    return c[0] + c[1] * x + c[2] * y + c[3] * x * x + c[4] * x * y + c[5] * y * y


def _work_copy(rgb: Any) -> tuple[Any, float]:
    """`rgb` at most WORK_SIDE px on its longer side, and the scale it was shrunk by."""
    import cv2

    h, w = rgb.shape[:2]
    scale = min(1.0, WORK_SIDE / max(h, w))
    if scale == 1:
        return rgb, scale
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), scale


STEP = 6  # per channel, between neighbouring px (work copy): a backdrop's shading is smoother


def foreground(rgb: Any, product: Product | None = None) -> Any | None:
    """Everything standing on the picture's backdrop, as a boolean array of `rgb`'s height
    x width: the product, a table, a banner, a sticker, however many and whichever is
    largest, but not what lies across it from edge to edge (a banner's edges, stripes);
    None when there is no backdrop (a photo, a texture). A backdrop is plain or
    softly shaded (a supplier's gradient): grown from the border over px that differ from
    their neighbours by at most STEP, and covering most of the border (BACKGROUND_SHARE).
    What a caption must keep clear of, where the silhouette (one product, plain
    backgrounds only) decides what is the product's printing. `product`, when given, is
    the same picture's Product (its work copy made once)."""
    import cv2
    import numpy as np

    h, w = rgb.shape[:2]
    small, scale = (product or Product(rgb)).work_copy()
    sh, sw = small.shape[:2]
    if sh < 8 or sw < 8:
        return None
    labels = _smooth_areas(small)
    border = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    if (border > 0).mean() < BACKGROUND_SHARE:
        return None
    backdrop = np.isin(labels, np.unique(border[border > 0]))
    things = (~backdrop).astype(np.uint8)
    things = cv2.morphologyEx(things, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))  # specks
    count, parts, stats, _ = cv2.connectedComponentsWithStats(things, connectivity=8)
    for n in range(1, count):  # laid across the picture: a banner or stripes, not a thing
        x, y, bw, bh = (int(v) for v in stats[n, :4])
        if (x == 0 and x + bw == sw) or (y == 0 and y + bh == sh):
            things[parts == n] = 0
    if scale < 1:
        things = cv2.resize(things, (w, h), interpolation=cv2.INTER_NEAREST)
    return things.astype(bool)


def _smooth_areas(small: Any) -> Any:
    """The work copy `small` cut into areas of softly shaded px (neighbours differing by
    at most STEP per channel), as labels (0: the steps between them)."""
    import cv2
    import numpy as np

    sh, sw = small.shape[:2]
    px = cv2.GaussianBlur(small, (3, 3), 0).astype(np.int16)  # JPEG and sensor noise
    across = largest_channel(np.abs(np.diff(px, axis=1))) > STEP
    down = largest_channel(np.abs(np.diff(px, axis=0))) > STEP
    edge = np.zeros((sh, sw), bool)  # a px either side of a step is the step's
    edge[:, 1:] |= across
    edge[:, :-1] |= across
    edge[1:] |= down
    edge[:-1] |= down
    return cv2.connectedComponents((~edge).astype(np.uint8), connectivity=4)[1]


def _angle(polygon: Sequence[Point]) -> float:
    (x0, y0), (x1, y1) = polygon[0], polygon[1]
    angle = abs(math.degrees(math.atan2(y1 - y0, x1 - x0))) % 180
    return min(angle, 180 - angle)


def _rectangular(polygon: Sequence[Point]) -> bool:
    """Whether a region's outline is a rectangle (opposite sides of equal length within
    8%): perspective and curved labels make it a trapezoid."""
    if len(polygon) != 4:
        return False
    p = polygon
    sides = [math.dist(p[i], p[(i + 1) % 4]) for i in range(4)]
    return all(
        abs(sides[i] - sides[i + 2]) <= 0.08 * max(sides[i], sides[i + 2], 1) for i in (0, 1)
    )


def printed_on_product(polygon: Sequence[Point], product: Any) -> bool:
    """Whether the region `polygon` is the product's own printing on the silhouette
    `product` (a boolean H x W array, or None), by the module's rule 3 and 4."""
    import numpy as np

    if product is None:
        return False
    ys = [p[1] for p in polygon]
    tall = max(1, max(ys) - min(ys))
    if _inside(polygon, product, max(2, tall // 2)) < INSIDE:
        return False
    rows = np.nonzero(product.any(axis=1))[0]
    product_h = int(rows[-1] - rows[0] + 1)
    follows_surface = _angle(polygon) > SKEW or not _rectangular(polygon)
    if follows_surface or tall <= LABEL_HEIGHT * product_h:
        return True
    # a name printed large on a face of the product (trial-img12 g06: 御品金茶, 0.127 of
    # its box) has the product all round it, a line's height clear of its outline; a
    # headline laid over the product runs near or past its edges
    return tall <= FACE_HEIGHT * product_h and _inside(polygon, product, tall) >= INSIDE


def _inside(polygon: Sequence[Point], product: Any, margin: int) -> float:
    """How much of the region `polygon` grown by `margin` px lies inside the silhouette
    `product` (0 when the region lies off the picture)."""
    import cv2
    import numpy as np

    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    h, w = product.shape
    left, top = max(0, min(xs) - margin), max(0, min(ys) - margin)
    right, bottom = min(w, max(xs) + margin + 1), min(h, max(ys) + margin + 1)
    if right <= left or bottom <= top:
        return 0.0
    area = np.zeros((bottom - top, right - left), np.uint8)
    cv2.fillPoly(area, [np.array(polygon, np.int32) - (left, top)], 1)
    area = cv2.dilate(area, np.ones((2 * margin + 1, 2 * margin + 1), np.uint8)) > 0
    return float(product[top:bottom, left:right][area].mean())


def _panel(
    small: Any,
    inside: Any,
    polygons: Sequence[Sequence[Point]],
    scale: float,
    share: float = PANEL,
) -> bool:
    """Whether the thing `inside` (a boolean array over the work copy `small`, shrunk by
    `scale`) is a panel laid there to carry text (a card, a badge, a sticker): outside the
    text regions `polygons` it is one plain or smoothly shaded fill (`share` of it), where
    a product has its lid, its label's picture, its window."""
    import cv2
    import numpy as np

    sh, sw = small.shape[:2]
    text = np.zeros((sh, sw), np.uint8)
    for polygon in polygons:
        cv2.fillPoly(text, [np.round(np.array(polygon, np.float32) * scale).astype(np.int32)], 1)
    text = cv2.dilate(text, np.ones((5, 5), np.uint8))  # the letters' edges and halo
    rest = inside & (text == 0)
    if not rest.any():
        return True  # nothing but text
    return _fill_share(small, rest) >= share


def _fill_share(small: Any, where: Any) -> float:
    """How much of the px `where` of the work copy `small` lie on one smooth fill: a
    plain colour or a gradient (the quadratic surface fitted to them), within PLAIN."""
    import numpy as np

    ys, xs = np.nonzero(where)
    rest = small[ys, xs].astype(np.float32)
    sh, sw = small.shape[:2]
    x, y = xs / max(1, sw - 1), ys / max(1, sh - 1)
    fitted = _fit(x, y, rest)
    plain = np.abs(rest - np.median(rest, axis=0)).max(axis=1) <= PLAIN
    smooth = np.abs(rest - _surface(fitted, x, y)).max(axis=1) <= PLAIN
    return float(max(plain.mean(), smooth.mean()))


def region_kinds(
    rgb: Any,
    polygons: Sequence[Sequence[Point]],
    is_price: Sequence[bool],
    product: Product | None = None,
) -> list[str]:
    """Each region's kind: a price, the product's printing, or overlay text; the
    silhouette is found only when some region could be printing (from `product`, the
    picture's Product, when given)."""
    shape = None
    product = product or Product(rgb)
    if any(not p for p in is_price) and polygons:
        shape = product.silhouette(polygons)
    return [
        PRICE
        if price
        else PRINTING
        if printed_on_product(polygon, shape) and product.sticker(polygon, polygons) != LAID
        else OVERLAY
        for polygon, price in zip(polygons, is_price, strict=True)
    ]


def on_an_object(
    rgb: Any,
    polygons: Sequence[Sequence[Point]],
    kinds: Sequence[str],
    product: Product | None = None,
) -> list[bool]:
    """Which overlay regions lie on a compact thing that is not a text panel, on a
    picture whose product cannot be told (no studio backdrop: a photo): a box or a bottle
    standing in a scene, so the text may be its own printing, which a reviewer must be
    told of rather than have it replaced in silence (trial-img7 p4). A region is on one
    when the softly shaded area around its letters (OBJECT_RING of the ring round it)
    is closed (it touches no edge of the picture: not the scene, not a banner), at least
    PRODUCT_SHARE of the picture, and not one smooth fill outside the text (a card, a
    badge, a sticker). `product`, when given, is the picture's Product (found once)."""
    import numpy as np

    flags = [False] * len(polygons)
    product = product or Product(rgb)
    if OVERLAY not in kinds or product.silhouette() is not None:
        return flags  # no overlay text, or the product is told: printed_on_product decides
    small, scale = product.work_copy()
    sh, sw = small.shape[:2]
    if sh < 8 or sw < 8:
        return flags
    labels = _smooth_areas(small)
    for n, (polygon, kind) in enumerate(zip(polygons, kinds, strict=True)):
        if kind != OVERLAY:
            continue
        area = _under(labels, polygon, scale)
        if area is None:
            continue  # the letters sit on no one area: a texture, a photo's detail
        ys, xs = np.nonzero(labels == area)
        if ys.min() == 0 or xs.min() == 0 or ys.max() == sh - 1 or xs.max() == sw - 1:
            continue  # the scene itself, or a banner across it
        shape = _filled(labels == area)  # its letters, its window, its picture: inside it
        if shape.sum() < PRODUCT_SHARE * sh * sw:
            continue
        others = [p for p, k in zip(polygons, kinds, strict=True) if k != PRICE]
        flags[n] = not _panel(small, shape > 0, others, scale)
    return flags


def product_box(product: Any) -> tuple[int, int, int, int] | None:
    """The upright box around a silhouette (left, top, right, bottom), or None."""
    import numpy as np

    if product is None or not product.any():
        return None
    ys, xs = np.nonzero(product.any(axis=1))[0], np.nonzero(product.any(axis=0))[0]
    return (int(xs[0]), int(ys[0]), int(xs[-1]) + 1, int(ys[-1]) + 1)
