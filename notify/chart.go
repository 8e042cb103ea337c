package notify

import (
	"bytes"
	"fmt"
	"image/color"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// Chart size, in pixels at 96 dpi.
const (
	ChartWidth  = 1200
	ChartHeight = 500
)

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

// Chart draws the summary's chart as a PNG: the open value by status, and
// the blocked value over the last 30 days, in the main currency (thousands).
func (s Summary) Chart() ([]byte, error) {
	tr := func(fr, en string) string {
		if s.Lang == orders.English {
			return en
		}
		return fr
	}
	cur := mainCurrency(s.Now.Open)

	bars := plot.New()
	bars.Title.Text = tr("Valeur ouverte par statut", "Open value by status") + " (k" + cur + ")"
	var values plotter.Values
	var names []string
	for _, st := range orders.Statuses() {
		if a, ok := s.Now.ByStatus[st]; ok && a.Count > 0 {
			values = append(values, float64(a.Cents[cur])/100000)
			names = append(names, st.Label(s.Lang))
		}
	}
	if len(values) == 0 {
		values, names = plotter.Values{0}, []string{tr("aucune", "none")}
	}
	b, err := plotter.NewBarChart(values, vg.Points(28))
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	b.Color = color.RGBA{R: 0x2c, G: 0x7f, B: 0xb8, A: 0xff}
	bars.Add(b)
	bars.NominalX(names...)
	bars.X.Tick.Label.Rotation = 0.5
	bars.X.Tick.Label.XAlign = draw.XRight

	line := plot.New()
	line.Title.Text = tr("Valeur bloquée, 30 derniers jours", "Blocked value, last 30 days") + " (k" + cur + ")"
	line.X.Label.Text = tr("jours", "days")
	history := append([]Point(nil), s.History...)
	sort.Slice(history, func(i, j int) bool { return history[i].At.Before(history[j].At) })
	pts := make(plotter.XYs, 0, len(history))
	for _, p := range history {
		pts = append(pts, plotter.XY{X: -s.To.Sub(p.At).Hours() / 24, Y: float64(p.Blocked.Cents[cur]) / 100000})
	}
	if len(pts) > 0 {
		l, sc, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, fmt.Errorf("chart: %w", err)
		}
		l.Color = color.RGBA{R: 0xd7, G: 0x30, B: 0x27, A: 0xff}
		sc.Color = l.Color
		line.Add(l, sc)
	}
	line.X.Min, line.X.Max = -30, 0
	line.Y.Min = 0

	img := vgimg.NewWith(vgimg.UseWH(vg.Length(ChartWidth)*vg.Inch/96, vg.Length(ChartHeight)*vg.Inch/96), vgimg.UseDPI(96))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4, PadTop: vg.Millimeter * 2,
		PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align([][]*plot.Plot{{bars, line}}, tiles, dc)
	bars.Draw(canvases[0][0])
	line.Draw(canvases[0][1])
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	return buf.Bytes(), nil
}
