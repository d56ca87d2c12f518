package e2e

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// narrowTextJS names the elements whose text wraps in a box narrower than
// four average characters of its own font: the look of a label/value list
// whose column collapsed, one letter per line, in Indonesian and Norwegian.
// An element counts when one of its own text nodes holds at least four
// non-space characters and is laid out on more than one line. The box
// measured is the element's own content box, or that of the nearest
// ancestor that is not inline (text in a <span> wraps in its block); text
// that is a flex or grid item on its own (an anonymous item beside an icon)
// is measured by the extent of its lines. Screen-reader-only text (also a
// clipped box of a pixel), form controls and SVG are left out: they are not
// read on screen as lines.
const narrowTextJS = `(() => {
  const out = [];
  const canvas = document.createElement('canvas').getContext('2d');
  const sample = 'abcdefghijklmnopqrstuvwxyz';
  const avgChar = cs => {
    canvas.font = cs.fontStyle + ' ' + cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily;
    return canvas.measureText(sample).width / sample.length;
  };
  const describe = el => {
    const part = e => {
      let d = e.tagName.toLowerCase();
      if (e.id) d += '#' + e.id;
      if (typeof e.className === 'string' && e.className.trim()) d += '.' + e.className.trim().split(/\s+/).join('.');
      return d;
    };
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 3; e = e.parentElement) parts.unshift(part(e));
    return parts.join(' > ');
  };
  const lines = rects => {
    let n = 0, lastTop = -Infinity;
    for (const r of [...rects].filter(r => r.width > 0 && r.height > 0).sort((a, b) => a.top - b.top)) {
      if (r.top > lastTop + r.height / 2) { n++; lastTop = r.top; }
    }
    return n;
  };
  // Text kept for screen readers in a clipped box of a pixel or less (a
  // table head hidden where rows become cards) is not on screen to read.
  const visuallyHidden = el => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const r = e.getBoundingClientRect();
      if (r.width > 1 && r.height > 1) continue;
      const cs = getComputedStyle(e);
      if (cs.clip !== 'auto' || cs.clipPath !== 'none' || cs.overflow !== 'visible') return true;
    }
    return false;
  };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node && out.length < 10; node = walker.nextNode()) {
    if (node.data.replace(/\s+/g, '').length < 4) continue;
    const el = node.parentElement;
    if (!el || seen.has(el)) continue;
    if (el.closest('svg, script, style, noscript, template, select, option, textarea, .sr-only, [hidden]')) continue;
    if (visuallyHidden(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const n = lines(range.getClientRects());
    if (n < 2) continue;
    seen.add(el);
    const cs = getComputedStyle(el);
    let box = el;
    while (box.parentElement && ['inline', 'contents'].includes(getComputedStyle(box).display)) box = box.parentElement;
    const bs = getComputedStyle(box);
    let width;
    if (/flex|grid/.test(bs.display) && box.childNodes.length > 1) {
      width = range.getBoundingClientRect().width;
    } else {
      width = box.clientWidth - parseFloat(bs.paddingLeft) - parseFloat(bs.paddingRight);
    }
    const four = 4 * avgChar(cs);
    if (width + 0.5 < four) {
      const text = node.data.trim().replace(/\s+/g, ' ').slice(0, 60);
      out.push(describe(el) + ' "' + text + '": ' + Math.round(width) + ' px wide on ' + n + ' lines, four characters need ' + Math.round(four) + ' px');
    }
  }
  return out;
})()`

// checkNarrowText fails the page for every element that wraps its text in
// a box narrower than four characters, at the width the page has now.
func checkNarrowText(t *testing.T, ctx context.Context, name, loc string, width int) {
	t.Helper()
	if narrow := eval[[]string](t, ctx, narrowTextJS); len(narrow) > 0 {
		t.Errorf("%s (%s): text squeezed under four characters wide at %d px:\n    %s", name, loc, width, strings.Join(narrow, "\n    "))
	}
}

// useCrawlLanguage switches the signed-in person to the language named by
// MENTORSKAP_E2E_LANG (nb, sv, id, en), if set, with the header's language
// form. The demo's people each keep their own language otherwise; this lets
// one run check and photograph every role's pages in Indonesian, say, where
// the longest words are.
func useCrawlLanguage(t *testing.T, ctx context.Context, s *server) {
	t.Helper()
	lang := os.Getenv("MENTORSKAP_E2E_LANG")
	if lang == "" {
		return
	}
	langJSON, _ := json.Marshal(lang)
	run(t, ctx, chromedp.Navigate(s.URL+"/"), chromedp.WaitReady(chromedp.CSS("#lang-switch")))
	eval[chromedp.Void](t, ctx, `(() => { const s = document.getElementById('lang-switch'); s.value = `+string(langJSON)+`; s.form.submit(); })()`)
	run(t, ctx, chromedp.WaitReady(chromedp.CSS(`html[lang=`+string(langJSON)+`]`)))
}
