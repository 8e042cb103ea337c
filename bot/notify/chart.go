package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/color"
	"math"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/message"
	"golang.org/x/text/number"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	plottext "gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	stdfont "golang.org/x/image/font"

	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// ChartWidth is the chart's width in pixels: what a phone shows at three
// pixels per point, so that Slack's mobile app, which fits an image to the
// screen's width, shows its text at the size of the message's.
const ChartWidth = 1080

// The chart's geometry, in pixels.
const (
	chartMargin   = 36
	panelHeight   = 500 // a currency's panel, its title included
	panelGap      = 28
	maxPanels     = 4 // past that, the least blocked currencies are named, not drawn
	titleSize     = 44
	panelSize     = 38
	labelSize     = 34 // legend, ticks and value labels
	legendSwatch  = 30
	labelEvery    = 7 // days between the dated, labelled bars, counted back from today
	chartDPI      = 96
	pointsPerPx   = 72.0 / chartDPI
	barFill       = 0.72 // of a day's width
	headroomRatio = 1.22 // room above the highest bar for its label
)

// px is a length in the chart's pixels.
func px(n float64) vg.Length { return vg.Length(n * pointsPerPx) }

// kindColor is the colour of a block kind: the Okabe-Ito palette, told
// apart by colour-blind readers too.
func kindColor(k orders.Status) color.RGBA {
	switch k {
	case orders.StatusFinancialBlock:
		return color.RGBA{R: 0xd5, G: 0x5e, B: 0x00, A: 0xff} // vermilion
	case orders.StatusCreditLimit:
		return color.RGBA{R: 0xe6, G: 0x9f, B: 0x00, A: 0xff} // orange
	case orders.StatusAnomaly:
		return color.RGBA{R: 0xcc, G: 0x79, B: 0xa7, A: 0xff} // reddish purple
	case orders.StatusDeliveryBlock:
		return color.RGBA{R: 0x00, G: 0x72, B: 0xb2, A: 0xff} // blue
	case orders.StatusOutOfStock:
		return color.RGBA{R: 0x00, G: 0x9e, B: 0x73, A: 0xff} // bluish green
	}
	return color.RGBA{R: 0x99, G: 0x99, B: 0x99, A: 0xff}
}

// mainCurrency is the currency most of an amount is in.
func mainCurrency(a postgres.Amounts) string {
	cur, best := "EUR", int64(-1)
	for c, v := range a.Cents {
		if v > best || (v == best && c < cur) {
			cur, best = c, v
		}
	}
	return cur
}

// chartCurrencies are the currencies with something blocked in the last 30
// days, most blocked today first (then most blocked at any point).
func (s Summary) chartCurrencies() []string {
	today, peak := map[string]int64{}, map[string]int64{}
	for i, d := range s.Now.Days {
		total := map[string]int64{}
		for _, a := range d.ByKind {
			for c, v := range a.Cents {
				total[c] += v
			}
		}
		for c, v := range total {
			peak[c] = max(peak[c], v)
			if i == len(s.Now.Days)-1 {
				today[c] = v
			}
		}
	}
	var curs []string
	for c, v := range peak {
		if v > 0 {
			curs = append(curs, c)
		}
	}
	sort.Slice(curs, func(i, j int) bool {
		a, b := curs[i], curs[j]
		switch {
		case today[a] != today[b]:
			return today[a] > today[b]
		case peak[a] != peak[b]:
			return peak[a] > peak[b]
		}
		return a < b
	})
	return curs
}

// chartKinds are the block kinds in the series, most urgent first (the
// bottom of each stack).
func (s Summary) chartKinds() []orders.Status {
	var kinds []orders.Status
	for _, st := range orders.BlockedStatuses() {
		for _, d := range s.Now.Days {
			if a, ok := d.ByKind[st]; ok && len(a.Cents) > 0 {
				kinds = append(kinds, st)
				break
			}
		}
	}
	return kinds
}

// blockedTotals is the value blocked in cur at the end of each day of the
// series, in units of the currency.
func (s Summary) blockedTotals(cur string) []float64 {
	totals := make([]float64, len(s.Now.Days))
	for i, d := range s.Now.Days {
		for _, a := range d.ByKind {
			totals[i] += float64(a.Cents[cur]) / 100
		}
	}
	return totals
}

// chartTexts are the words the chart draws, in the summary's language.
type chartTexts struct {
	title  string
	kinds  []string // the legend, as chartKinds
	panels []string // a title per currency drawn, with its unit
	days   []string // the dated days, as xDays
	more   string   // the currencies not drawn, if any
	empty  string   // in place of the panels when nothing was blocked
}

// xDays are the days of a series of n that are dated and labelled: today,
// and every labelEvery days before it, oldest first.
func xDays(n int) []int {
	var out []int
	for i := n - 1; i >= 0; i -= labelEvery {
		out = append([]int{i}, out...)
	}
	return out
}

// chartTexts returns what the chart writes.
func (s Summary) chartTexts() chartTexts {
	tx := s.texts()
	ct := chartTexts{title: s.ChartTitle(), empty: tx.T("summary.chart.empty", nil)}
	for _, k := range s.chartKinds() {
		ct.kinds = append(ct.kinds, k.Label(s.Lang))
	}
	curs := s.chartCurrencies()
	for _, cur := range curs[:min(len(curs), maxPanels)] {
		peak := 0.0
		for _, v := range s.blockedTotals(cur) {
			peak = max(peak, v)
		}
		_, id := scale(peak)
		ct.panels = append(ct.panels, tx.T(id, catalog.Args{"Currency": cur}))
	}
	if len(curs) > maxPanels {
		ct.more = tx.N("summary.chart.more", len(curs)-maxPanels, catalog.Args{"Currencies": strings.Join(curs[maxPanels:], ", ")})
	}
	for _, i := range xDays(len(s.Now.Days)) {
		d := s.Now.Days[i].End.Add(-time.Nanosecond).In(s.Loc)
		ct.days = append(ct.days, tx.T("summary.chart.day", catalog.Args{"Day": fmt.Sprint(d.Day()),
			"Month": tx.T(fmt.Sprintf("summary.month.%d", int(d.Month())), nil)}))
	}
	return ct
}

// chartStyle holds the fonts and number formats of one chart.
type chartStyle struct {
	pr      *message.Printer
	handler plottext.Handler
}

func (cs chartStyle) text(size float64, bold bool, c color.Color) plottext.Style {
	f := font.Font{Typeface: "Liberation", Variant: "Sans"}
	if bold {
		f.Weight = stdfont.WeightBold
	}
	return plottext.Style{Color: c, Font: font.From(f, px(size)), Handler: cs.handler}
}

// Chart draws the summary's chart as a PNG, ChartWidth pixels wide: the
// blocked value at the end of each of the last 30 days, stacked by kind of
// block (a colour each, in a legend), one panel per currency, today's total
// and the total every week before it written above their bars.
func (s Summary) Chart() ([]byte, error) {
	if len(s.Now.Days) == 0 {
		return nil, errors.New("chart: the portfolio has no blocked series")
	}
	cs := chartStyle{pr: message.NewPrinter(s.tag()), handler: plot.DefaultTextHandler}
	ct := s.chartTexts()
	curs := s.chartCurrencies()
	kinds := s.chartKinds()
	drawn := curs[:min(len(curs), maxPanels)]
	width := px(ChartWidth - 2*chartMargin)

	title := wrap(cs.text(titleSize, true, color.Black), ct.title, width)
	legend := legendLayout(cs, kinds, ct.kinds, width)
	var more []string
	if ct.more != "" {
		more = wrap(cs.text(labelSize, false, color.Black), ct.more, width)
	}
	lineH := func(size float64) float64 { return size * 1.3 }
	headH := float64(len(title))*lineH(titleSize) + 16 + float64(len(legend))*lineH(labelSize) + 12
	panels := max(len(drawn), 1)
	heightPx := math.Ceil(2*chartMargin + headH + float64(panels)*(panelHeight+panelGap) + float64(len(more))*lineH(labelSize))

	img := vgimg.NewWith(vgimg.UseWH(px(ChartWidth), px(heightPx)), vgimg.UseDPI(chartDPI))
	dc := draw.New(img)
	dc.FillPolygon(color.White, []vg.Point{dc.Min, {X: dc.Max.X, Y: dc.Min.Y}, dc.Max, {X: dc.Min.X, Y: dc.Max.Y}})

	// y goes down from the top, in pixels.
	y := float64(chartMargin)
	at := func(x, y float64) vg.Point { return vg.Point{X: px(x), Y: px(heightPx - y)} }
	ts := cs.text(titleSize, true, color.Black)
	ts.YAlign = draw.YTop
	for _, l := range title {
		dc.FillText(ts, at(chartMargin, y), l)
		y += lineH(titleSize)
	}
	y += 16
	ls := cs.text(labelSize, false, color.Black)
	ls.YAlign = draw.YCenter
	for _, row := range legend {
		for _, e := range row {
			mid := y + lineH(labelSize)/2
			x := chartMargin + e.x
			dc.FillPolygon(kindColor(e.kind), []vg.Point{at(x, mid-legendSwatch/2), at(x+legendSwatch, mid-legendSwatch/2),
				at(x+legendSwatch, mid+legendSwatch/2), at(x, mid+legendSwatch/2)})
			dc.FillText(ls, at(x+legendSwatch+10, mid), e.label)
		}
		y += lineH(labelSize)
	}
	y += 12

	if len(drawn) == 0 {
		es := cs.text(panelSize, false, color.Gray{Y: 0x55})
		es.XAlign, es.YAlign = draw.XCenter, draw.YCenter
		dc.FillText(es, at(ChartWidth/2, y+panelHeight/2), ct.empty)
	}
	for i, cur := range drawn {
		totals := s.blockedTotals(cur)
		peak := 0.0
		for _, v := range totals {
			peak = max(peak, v)
		}
		unit, _ := scale(peak)
		ps := cs.text(panelSize, true, color.Black)
		ps.YAlign = draw.YTop
		dc.FillText(ps, at(chartMargin, y), ct.panels[i])
		top := y + lineH(panelSize) + 8
		area := draw.Crop(dc, px(chartMargin), -px(chartMargin), px(heightPx-(y+panelHeight)), -px(top))
		if err := s.drawPanel(cs, area, cur, totals, unit, kinds, ct.days); err != nil {
			return nil, err
		}
		y += panelHeight + panelGap
	}
	for _, l := range more {
		ms := cs.text(labelSize, false, color.Gray{Y: 0x55})
		ms.YAlign = draw.YTop
		dc.FillText(ms, at(chartMargin, y), l)
		y += lineH(labelSize)
	}

	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	return buf.Bytes(), nil
}

// legendEntry is one kind in the legend: where its swatch starts, in
// pixels from the left margin, and its label.
type legendEntry struct {
	kind  orders.Status
	x     float64
	label string
}

// legendLayout places the kinds' swatches and labels in rows that fit width.
func legendLayout(cs chartStyle, kinds []orders.Status, labels []string, width vg.Length) [][]legendEntry {
	ls := cs.text(labelSize, false, color.Black)
	var rows [][]legendEntry
	var row []legendEntry
	x := 0.0
	for i, k := range kinds {
		label := labels[i]
		w := legendSwatch + 10 + float64(ls.Width(label)/pointsPerPx)
		if len(row) > 0 && px(x+w) > width {
			rows, row, x = append(rows, row), nil, 0
		}
		row = append(row, legendEntry{kind: k, x: x, label: label})
		x += w + 36
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}

// wrap cuts s into lines no wider than width in sty.
func wrap(sty plottext.Style, s string, width vg.Length) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		next := w
		if line != "" {
			next = line + " " + w
		}
		if line != "" && sty.Width(next) > width {
			lines, line = append(lines, line), w
			continue
		}
		line = next
	}
	return append(lines, line)
}

// scale is the unit a panel's values are written in: 1, 1 000 or
// 1 000 000 of the currency, with the catalog message that says it.
func scale(peak float64) (float64, string) {
	switch {
	case peak >= 10_000_000:
		return 1_000_000, "summary.chart.unit_1000000"
	case peak >= 10_000:
		return 1_000, "summary.chart.unit_1000"
	}
	return 1, "summary.chart.unit_1"
}

// drawPanel draws one currency's stacked bars in area: its totals (in the
// currency) written in unit, the days labelled with dayLabels (as xDays).
func (s Summary) drawPanel(cs chartStyle, area draw.Canvas, cur string, totals []float64, unit float64, kinds []orders.Status,
	dayLabels []string) error {
	days := s.Now.Days
	peak := 0.0
	for _, v := range totals {
		peak = max(peak, v)
	}

	p := plot.New()
	p.BackgroundColor = color.Transparent
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Tick.Label = cs.text(labelSize, false, color.Black)
		ax.LineStyle.Width = px(2)
		ax.Tick.LineStyle.Width = px(2)
		ax.Tick.Length = px(8)
	}
	p.X.Tick.Label.YAlign = draw.YTop
	p.Y.Tick.Label.XAlign = draw.XRight
	p.Y.Tick.Label.YAlign = draw.YCenter
	p.X.Min, p.X.Max = -0.6, float64(len(days))-0.4
	p.Y.Min, p.Y.Max = 0, math.Max(peak/unit, 1)*headroomRatio
	p.Y.Tick.Marker = plot.TickerFunc(func(lo, hi float64) []plot.Tick {
		var ticks []plot.Tick
		for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi/headroomRatio) {
			if t.Label != "" {
				t.Label = cs.pr.Sprint(number.Decimal(t.Value, number.MaxFractionDigits(1)))
			}
			ticks = append(ticks, t)
		}
		return ticks
	})
	var xticks []plot.Tick
	for j, i := range xDays(len(days)) {
		xticks = append(xticks, plot.Tick{Value: float64(i), Label: dayLabels[j]})
	}
	p.X.Tick.Marker = plot.ConstantTicks(xticks)

	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	grid.Horizontal.Color = color.Gray{Y: 0xdd}
	grid.Horizontal.Width = px(2)
	p.Add(grid)

	slot := float64(area.Max.X-area.Min.X) / pointsPerPx / float64(len(days)+1)
	var below *plotter.BarChart
	for _, k := range kinds {
		vals := make(plotter.Values, len(days))
		for i, d := range days {
			vals[i] = float64(d.ByKind[k].Cents[cur]) / 100 / unit
		}
		b, err := plotter.NewBarChart(vals, px(slot*barFill))
		if err != nil {
			return fmt.Errorf("chart: %w", err)
		}
		b.Color = kindColor(k)
		b.LineStyle.Width = 0
		if below != nil {
			b.StackOn(below)
		}
		p.Add(b)
		below = b
	}
	ls := cs.text(labelSize, true, color.Black)
	ls.XAlign, ls.YAlign = draw.XCenter, draw.YBottom
	p.Add(valueLabels{style: ls, format: func(v float64) string {
		// A decimal only where it tells something: 4,3 (millions), not
		// 5 664,2 (thousands).
		digits := 1
		if v >= 100 {
			digits = 0
		}
		return cs.pr.Sprint(number.Decimal(v, number.MaxFractionDigits(digits)))
	}, totals: totals, unit: unit, barWidth: px(slot * barFill)})
	p.Draw(area)
	return nil
}

// valueLabels writes the total above today's bar and above the bar every
// labelEvery days before it.
type valueLabels struct {
	style  plottext.Style
	format func(float64) string
	totals []float64
	unit   float64
	// barWidth is the bars' width: a label stands above every bar it spans.
	barWidth vg.Length
}

// Plot implements plot.Plotter. A label stands above its bar and its
// neighbours (it is wider than a bar), on a white ground.
func (l valueLabels) Plot(c draw.Canvas, p *plot.Plot) {
	x, y := p.Transforms(&c)
	for _, i := range xDays(len(l.totals)) {
		txt := l.format(l.totals[i] / l.unit)
		half := l.style.Width(txt)/2 + px(4)
		pt := vg.Point{X: x(float64(i))}
		if right := pt.X + half; right > c.Max.X {
			pt.X -= right - c.Max.X // today's label stays in the picture
		}
		top := 0.0
		for j, v := range l.totals {
			if x(float64(j))+l.barWidth/2 >= pt.X-half && x(float64(j))-l.barWidth/2 <= pt.X+half {
				top = max(top, v/l.unit)
			}
		}
		pt.Y = y(top) + px(16)
		r := l.style.Rectangle(txt)
		pad := px(4)
		box := vg.Rectangle{Min: vg.Point{X: pt.X + r.Min.X - pad, Y: pt.Y + r.Min.Y - pad}, Max: vg.Point{X: pt.X + r.Max.X + pad, Y: pt.Y + r.Max.Y + pad}}
		c.FillPolygon(color.White, []vg.Point{box.Min, {X: box.Max.X, Y: box.Min.Y}, box.Max, {X: box.Min.X, Y: box.Max.Y}})
		c.FillText(l.style, pt, txt)
	}
}

// withChart is Slack for posting the summary with its chart: just before
// the post goes out (after deliver found no earlier one), the PNG is
// uploaded shared nowhere, and the message shows it in an image block by
// its file ID. The chart is thus part of the one message deliver posts,
// marks and finds again: it cannot be posted twice or lost alone. A file
// is ready to show a moment after its upload; until then Slack refuses
// the message as invalid_blocks, and the post is tried again after a
// pause (a refused post is not posted, so trying again is safe).
type withChart struct {
	Slack
	sm    Summary
	chart []byte
	// pauses are the waits between tries of a post Slack refuses because
	// the file is not ready yet.
	pauses []time.Duration
}

// Post uploads the chart and posts the summary showing it; a summary
// without a chart (nothing blocked in the month) goes as it is.
func (w withChart) Post(ctx context.Context, channel, threadTS string, msg render.Message, key string) (string, string, error) {
	if !w.sm.HasChart() {
		return w.Slack.Post(ctx, channel, threadTS, msg, key)
	}
	id, err := w.UploadUnshared(ctx, w.sm.ChartName(), w.sm.ChartTitle(), w.sm.ChartAlt(), w.chart)
	if err != nil {
		return "", "", fmt.Errorf("upload the summary's chart: %w", err)
	}
	msg = w.sm.SlackWithChart(id)
	for try := 0; ; try++ {
		cid, ts, err := w.Slack.Post(ctx, channel, threadTS, msg, key)
		if err == nil || try == len(w.pauses) || !strings.Contains(err.Error(), "invalid_blocks") {
			return cid, ts, err
		}
		select {
		case <-ctx.Done():
			return "", "", errors.Join(err, ctx.Err())
		case <-time.After(w.pauses[try]):
		}
	}
}

// chartPauses are withChart's pauses: Slack's processing of a file takes
// about a second.
func chartPauses() []time.Duration {
	return []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}
}
