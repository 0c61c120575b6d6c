"""Measure a built deck in Chromium at 1280×720: text sizes, figure text, words and fit, per slide.

Sizes are what the audience sees: CSS pixels times the scale reveal.js
applies to the 1280×720 slide in a 1280×720 window (0.96, its margin).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from urllib.parse import urljoin

FLOOR_PX = 24.0
FOOTER_FLOOR_PX = 18.0
MAX_MEDIAN_WORDS = 60

MEASURE_JS = """() => {
    const slidesBox = document.querySelector('.reveal .slides');
    const scale = slidesBox.getBoundingClientRect().width / Reveal.getConfig().width;
    const visible = (node) => {
        const range = document.createRange();
        range.selectNodeContents(node);
        const el = node.parentElement;
        const style = getComputedStyle(el);
        return range.getClientRects().length > 0 && style.visibility === 'visible' && parseFloat(style.opacity) > 0;
    };
    const result = [];
    Reveal.getSlides().forEach((slide, index) => {
        const where = Reveal.getIndices(slide);
        Reveal.slide(where.h, where.v);
        // Every fragment shown: an answer is read too.
        slide.querySelectorAll('.fragment').forEach((f) => f.classList.add('visible'));
        let smallest = Infinity, smallestText = '', footer = Infinity, contentBottom = -Infinity;
        const words = [];
        const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const text = node.textContent.trim();
            if (!text || node.parentElement.closest('aside.notes') || !visible(node)) continue;
            const size = parseFloat(getComputedStyle(node.parentElement).fontSize) * scale;
            if (node.parentElement.closest('p.read-more')) {
                footer = Math.min(footer, size);
                continue;
            }
            if (size < smallest) { smallest = size; smallestText = text.slice(0, 50); }
            const range = document.createRange();
            range.selectNodeContents(node);
            for (const rect of range.getClientRects()) contentBottom = Math.max(contentBottom, rect.bottom);
            words.push(...text.split(/\\s+/).filter((w) => /[\\p{L}\\p{N}]/u.test(w)));
        }
        const images = [...slide.querySelectorAll('img')]
            .filter((img) => img.getClientRects().length && /\\.svg($|\\?)/.test(img.getAttribute('src')))
            .map((img) => ({src: img.getAttribute('src'), width: img.getBoundingClientRect().width,
                            naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight,
                            height: img.getBoundingClientRect().height}));
        // The read-more footer is placed on its own, not in the flow: content
        // that runs into it does not make the slide scroll, so measure the gap
        // between it and the lowest text (above) or picture or table.
        const readMore = slide.querySelector('p.read-more');
        for (const el of slide.querySelectorAll('img, svg, table')) {
            const box = el.getBoundingClientRect();
            if (box.height) contentBottom = Math.max(contentBottom, box.bottom);
        }
        const footerGap = readMore && contentBottom > -Infinity ? readMore.getBoundingClientRect().top - contentBottom : null;
        const heading = slide.querySelector('h1, h2');
        result.push({
            number: index + 1,
            title: heading ? heading.textContent.trim() : '',
            smallest: smallest === Infinity ? null : smallest,
            smallestText,
            footer: footer === Infinity ? null : footer,
            words: words.length,
            content: index > 0 && !slide.querySelector('.deck-references'),
            overflow: slide.scrollHeight > slide.clientHeight + 2 || slide.scrollWidth > slide.clientWidth + 2
                || (footerGap !== null && footerGap < 0),
            footerGap,
            images,
        });
    });
    const number = document.querySelector('.reveal .slide-number');
    return {scale, slides: result, slideNumber: number ? parseFloat(getComputedStyle(number).fontSize) : null};
}"""

# The smallest text inside a standalone SVG at its own size, in CSS px.
SVG_TEXT_JS = """() => {
    const sizes = [...document.querySelectorAll('text, tspan')]
        .filter((t) => t.textContent.trim())
        .map((t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
    return sizes.length ? Math.min(...sizes) : null;
}"""


@dataclass
class SlideMeasure:
    number: int
    title: str
    smallest: float | None
    smallest_text: str
    footer: float | None
    words: int
    content: bool
    overflow: bool
    figure_text: float | None = None
    figures: list[str] = field(default_factory=list)


@dataclass
class DeckMeasure:
    deck: str
    scale: float
    slide_number_px: float | None
    slides: list[SlideMeasure]

    @property
    def content_words(self) -> list[int]:
        return [s.words for s in self.slides if s.content]

    @property
    def median_words(self) -> float:
        return statistics.median(self.content_words)

    def smallest(self) -> float:
        sizes = [s.smallest for s in self.slides if s.smallest is not None]
        sizes += [s.figure_text for s in self.slides if s.figure_text is not None]
        return min(sizes)

    def table(self) -> str:
        lines = [
            f"{self.deck}: reveal.js scale {self.scale:.2f}; slide number {self.slide_number_px} px; "
            f"median words per content slide {self.median_words:g} over {len(self.content_words)} slides",
            " #  | words | smallest text px | footer px | figure text px | overflows | title",
        ]
        for s in self.slides:
            lines.append(
                f"{s.number:3} | {s.words:5} | {_px(s.smallest):>16} | {_px(s.footer):>9} | {_px(s.figure_text):>14} | "
                f"{'yes' if s.overflow else 'no':>9} | {s.title[:40]}{'' if s.content else ' (not counted)'}"
            )
        return "\n".join(lines)


def _px(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def measure_deck(browser, base_url: str, deck: str) -> DeckMeasure:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        url = f"{base_url}/slides/{deck}.html"
        page.goto(url)
        page.wait_for_function("() => window.Reveal && Reveal.isReady()")
        page.evaluate("document.fonts.ready.then(() => true)")
        data = page.evaluate(MEASURE_JS)
        slides = []
        for raw in data["slides"]:
            slide = SlideMeasure(
                raw["number"],
                raw["title"],
                raw["smallest"],
                raw["smallestText"],
                raw["footer"],
                raw["words"],
                raw["content"],
                raw["overflow"],
            )
            for image in raw["images"]:
                size = svg_text_px(browser, urljoin(url, image["src"]))
                if size is None or not image["naturalWidth"]:
                    continue
                shown = size * min(image["width"] / image["naturalWidth"], image["height"] / image["naturalHeight"])
                slide.figure_text = shown if slide.figure_text is None else min(slide.figure_text, shown)
                slide.figures.append(image["src"])
            slides.append(slide)
        return DeckMeasure(deck, data["scale"], data["slideNumber"], slides)
    finally:
        page.close()


def svg_text_px(browser, url: str) -> float | None:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(url)
        return page.evaluate(SVG_TEXT_JS)
    finally:
        page.close()
