package notify_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot/notify"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/internal/slackfake"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// The people and customers of a big distributor, named as directories and
// ERPs name them: accents, ligatures, apostrophes, names from elsewhere,
// and what someone once typed into a field.
var (
	summaryFirst = []string{"Éric", "Zoé", "Anaïs", "Élodie", "Jérôme", "François", "Hélène", "Benoît", "Gaëlle", "Noël",
		"Chloé", "Loïc", "Maëlle", "Céline", "Stéphane", "Agnès", "Ségolène", "Clément", "Inès", "Raphaël", "Léa", "Ömer",
		"Łukasz", "Søren", "Zoë", "Anne-Sophie", "Jean-Baptiste", "Émilie", "Yasmine", "Thibault", "Aurélien"}
	summaryLast = []string{"Dubœuf", "Lefèvre", "Müller", "Nguyễn", "Da Silva", "Éluard", "Zúñiga", "Le Gall", "O'Neill",
		"Saint-Exupéry", "García", "Çelik", "Åberg", "d'Arcy", "Østergaard", "Ibáñez", "Martin", "Bernard", "Petit", "Roux",
		"Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefebvre",
		"Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Perrin", "Robin"}
	// Names that must reach Slack as text, and a spreadsheet as text.
	summaryOdd = []string{"<!channel> *Grand Compte*", "=HYPERLINK(\"http://x\")", "Zoé Zola", "Éric Zola", "Zacharie Ångström",
		"Aimé Ébrard", "Emile Zola", strings.Repeat("Bartholomé-Maximilien ", 5) + "de la Tour d'Auvergne"}
	summaryCustomers = []string{"Établissements Müller SARL", "<!channel> Café *Gras*", "Boulangerie Dupré & Fils",
		"Zürcher Gastro AG", "Hôtel du Vieux Port", strings.Repeat("Société Coopérative Agricole ", 4) + "du Haut-Rhin"}
	summaryCurrencies = []string{"EUR", "EUR", "EUR", "EUR", "EUR", "EUR", "CHF", "EUR", "USD", "EUR", "GBP"}
)

func money(cur string, cents int64) postgres.Amounts {
	return postgres.Amounts{Count: 0, Cents: map[string]int64{cur: cents}}
}

// summaryDays is a 30-day blocked series ending at to: each kind swells and
// ebbs on its own rhythm, in EUR, CHF and USD.
func summaryDays(to time.Time, scale float64) []postgres.BlockedDay {
	days := make([]postgres.BlockedDay, postgres.SeriesDays)
	y, m, d := to.Date()
	for i := range days {
		end := time.Date(y, m, d-(postgres.SeriesDays-2-i), 0, 0, 0, 0, to.Location())
		if i == len(days)-1 {
			end = to
		}
		byKind := map[orders.Status]postgres.Amounts{}
		for k, st := range orders.BlockedStatuses() {
			v := (1 + math.Sin(float64(i)/float64(3+k)+float64(k))) * float64(6-k) * 9_000_00 * scale
			a := postgres.Amounts{Count: int(v / 1_500_00)}
			a.Add(0, "EUR", int64(v))
			if k == 1 || k == 4 {
				a.Add(0, "CHF", int64(v/7))
			}
			if k == 3 && i > 12 {
				a.Add(0, "USD", int64(v/4))
			}
			byKind[st] = a
		}
		days[i] = postgres.BlockedDay{End: end, ByKind: byKind}
	}
	return days
}

// bigSummary is the Friday summary of a distributor with 500 reps (and
// orders without one), in several currencies.
func bigSummary(lang orders.Language) notify.Summary {
	to := time.Date(2026, 11, 27, 8, 0, 0, 0, paris)
	p := postgres.Portfolio{ByStatus: map[orders.Status]postgres.Amounts{}}
	for i := range 500 {
		name := summaryFirst[i%len(summaryFirst)] + " " + summaryLast[(i/len(summaryFirst)+i)%len(summaryLast)]
		if i < len(summaryOdd) {
			name = summaryOdd[i]
		}
		cur := summaryCurrencies[i%len(summaryCurrencies)]
		open := int64(5_000_00 + (i*7919)%900_000_00)
		r := postgres.RepFigures{ID: int64(1000 + i), Name: name}
		r.Open.Add(3+i%40, cur, open)
		if i%3 != 0 {
			r.Blocked.Add(1+i%7, cur, open/int64(3+i%5))
		}
		if i%17 == 0 {
			r.Open.Add(2, "EUR", 12_345_67)
		}
		p.Reps = append(p.Reps, r)
	}
	p.Reps = append(p.Reps, postgres.RepFigures{Name: "—", Open: postgres.Amounts{Count: 4, Cents: map[string]int64{"EUR": 8_000_00}},
		Blocked: postgres.Amounts{Count: 1, Cents: map[string]int64{"EUR": 2_000_00}}})
	for _, r := range p.Reps {
		for c, v := range r.Open.Cents {
			p.Open.Add(0, c, v)
		}
		p.Open.Count += r.Open.Count
		for c, v := range r.Blocked.Cents {
			p.Blocked.Add(0, c, v)
		}
		p.Blocked.Count += r.Blocked.Count
	}
	blocked := orders.BlockedStatuses()
	for c, v := range p.Blocked.Cents {
		for k, st := range blocked {
			a := p.ByStatus[st]
			a.Add(0, c, v/int64(len(blocked))+int64(k))
			p.ByStatus[st] = a
		}
	}
	for k, st := range blocked {
		a := p.ByStatus[st]
		a.Count = p.Blocked.Count / len(blocked)
		if k == 0 {
			a.Count += p.Blocked.Count % len(blocked)
		}
		p.ByStatus[st] = a
	}
	open := p.Open.Cents["EUR"] - p.Blocked.Cents["EUR"]
	p.ByStatus[orders.StatusOpen] = postgres.Amounts{Count: (p.Open.Count - p.Blocked.Count) * 2 / 3, Cents: map[string]int64{"EUR": open * 2 / 3}}
	p.ByStatus[orders.StatusPicking] = postgres.Amounts{Count: p.Open.Count - p.Blocked.Count - (p.Open.Count-p.Blocked.Count)*2/3,
		Cents: map[string]int64{"EUR": open - open*2/3}}
	for i := range 4 {
		p.Aging[i] = postgres.Amounts{Count: p.Blocked.Count / 4, Cents: map[string]int64{"EUR": p.Blocked.Cents["EUR"] / 4, "CHF": int64(i) * 1_000_00}}
	}
	for i := range 5 {
		p.Top = append(p.Top, postgres.Transition{Number: fmt.Sprintf("45000%05d", 12401+i), Customer: summaryCustomers[i%len(summaryCustomers)],
			AmountCents: int64(98_000_00 - i*7_500_00), Currency: summaryCurrencies[i*3%len(summaryCurrencies)],
			Now: blocked[i%len(blocked)], Since: to.Add(-time.Duration(2+i*9) * 24 * time.Hour)})
	}
	p.Closed = postgres.Amounts{Count: 212, Cents: map[string]int64{"EUR": 1_402_330_00, "CHF": 23_400_00}}
	p.Weeks = [5]postgres.Amounts{money("EUR", 310_000_00), money("EUR", 1_250_000_00), money("EUR", 980_500_00), {}, money("USD", 12_000_00)}
	p.Weeks[1].Add(0, "CHF", 45_000_00)
	p.Answers = 1284
	p.Days = summaryDays(to, 40)
	prev := postgres.Portfolio{Blocked: postgres.Amounts{Count: p.Blocked.Count - 12, Cents: map[string]int64{
		"EUR": p.Blocked.Cents["EUR"] - 23_000_00, "CHF": p.Blocked.Cents["CHF"] + 1_500_00, "USD": p.Blocked.Cents["USD"]}}}
	var unclaimed []postgres.Unowned
	for i := range 5 {
		unclaimed = append(unclaimed, postgres.Unowned{Number: fmt.Sprintf("45000%05d", 12501+i), Customer: summaryCustomers[(i+2)%len(summaryCustomers)],
			Status: blocked[(i+1)%len(blocked)], AmountCents: int64(42_000_00 - i*6_000_00), Currency: "EUR",
			Since: to.Add(-time.Duration(3+i*2) * 24 * time.Hour), Rep: summaryFirst[i]})
	}
	return notify.Summary{From: to.Add(-24 * time.Hour), To: to, Lang: lang, Loc: paris, Now: p, Previous: &prev,
		Unclaimed: unclaimed, UnclaimedCount: 8, UnclaimedAfter: 2}
}

// smallSummary is a new install's first summary: three reps, nothing
// blocked in the month, no previous summary.
func smallSummary(lang orders.Language) notify.Summary {
	to := time.Date(2026, 11, 27, 8, 0, 0, 0, paris)
	days := summaryDays(to, 0)
	for i := range days {
		days[i].ByKind = map[orders.Status]postgres.Amounts{}
	}
	return notify.Summary{From: to.Add(-24 * time.Hour), To: to, Lang: lang, Loc: paris, Now: postgres.Portfolio{
		ByStatus: map[orders.Status]postgres.Amounts{orders.StatusOpen: money("EUR", 46_000_00)},
		Open:     postgres.Amounts{Count: 3, Cents: map[string]int64{"EUR": 46_000_00}},
		Reps: []postgres.RepFigures{
			{ID: 2, Name: "Zoé Lambert", Open: postgres.Amounts{Count: 1, Cents: map[string]int64{"EUR": 6_000_00}}},
			{ID: 1, Name: "Éric Martin", Open: postgres.Amounts{Count: 2, Cents: map[string]int64{"EUR": 40_000_00}}},
		},
		Days: days,
	}}
}

// summaryData are the texts of the summaries that come from the ERP or the
// directory, in every form a message shows them.
func summaryData(sm notify.Summary) []string {
	var out []string
	add := func(s string) {
		for _, v := range []string{s, strings.Join(strings.Fields(s), " ")} {
			out = append(out, v, render.Escape(v))
			if r := []rune(v); len(r) > 59 {
				clipped := string(r[:59]) + "…"
				out = append(out, clipped, render.Escape(clipped))
			}
		}
	}
	for _, r := range sm.Now.Reps {
		add(r.Name)
	}
	for _, tr := range sm.Now.Top {
		add(tr.Customer)
	}
	return out
}

// summarySlackTexts are the texts of a Slack message: its fallback, each
// section's and the image's.
func summarySlackTexts(t *testing.T, m render.Message) (all string, sections []string) {
	t.Helper()
	var b strings.Builder
	b.WriteString(m.Text + "\n")
	for _, blk := range m.Blocks {
		js, err := json.Marshal(blk)
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			Type  string
			Text  struct{ Text string }
			Title struct{ Text string }
			Alt   string `json:"alt_text"`
		}
		if err := json.Unmarshal(js, &v); err != nil {
			t.Fatal(err)
		}
		if v.Type == "section" {
			sections = append(sections, v.Text.Text)
		}
		b.WriteString(v.Text.Text + "\n" + v.Title.Text + "\n" + v.Alt + "\n")
	}
	return b.String(), sections
}

// TestSummaryReadsRight renders the summary in both languages, for Slack
// (with its chart) and the console, from a 500-rep portfolio and from a new
// install's: no formatting error, no argument left out, no word of the
// other language, within Slack's limits, data escaped; the golden files are
// what a manager reads.
func TestSummaryReadsRight(t *testing.T) {
	for _, lang := range []orders.Language{orders.French, orders.English} {
		for name, sm := range map[string]notify.Summary{"big": bigSummary(lang), "small": smallSummary(lang)} {
			name := name + "_" + string(lang)
			m := sm.Message()
			sl := sm.Slack()
			if sm.HasChart() {
				sl = sm.SlackWithChart("F0CHART001")
			}
			all, sections := summarySlackTexts(t, sl)
			if len(sl.Blocks) > render.MaxBlocks {
				t.Errorf("%s: %d blocks, Slack takes %d", name, len(sl.Blocks), render.MaxBlocks)
			}
			if len(sections) != len(m.Sections) {
				t.Errorf("%s: %d sections written, %d in Slack's blocks: one was split or dropped", name, len(m.Sections), len(sections))
			}
			for _, s := range append(sections, m.Sections...) {
				if n := len([]rune(s)); n > render.MaxSectionText {
					t.Errorf("%s: a section of %d characters, Slack takes %d", name, n, render.MaxSectionText)
				}
			}
			if n := strings.Count(m.Console, "\n"); n > 60 {
				t.Errorf("%s: %d lines on the console: the summary does not scale", name, n)
			}
			data := summaryData(sm)
			checkRendered(t, "summary/"+name, lang, all, m.Console, sl, data)
		}
	}
}

// TestSummaryRanksReps: the ten reps with the most blocked (in the main
// currency) are listed, the others counted; the table has everyone, by name
// in the reader's collation: Éric before Zoé, not after Z as bytes go.
func TestSummaryRanksReps(t *testing.T) {
	for _, lang := range []orders.Language{orders.French, orders.English} {
		sm := bigSummary(lang)
		msg := sm.Message().Console
		// The biggest blocked EUR value must be listed; a rep with
		// nothing blocked must not be.
		var top, none postgres.RepFigures
		for _, r := range sm.Now.Reps {
			if r.Blocked.Cents["EUR"] > top.Blocked.Cents["EUR"] {
				top = r
			}
			if r.ID != 0 && len(r.Blocked.Cents) == 0 && none.ID == 0 {
				none = r
			}
		}
		if !strings.Contains(msg, top.Name) || strings.Contains(msg, "• "+none.Name+" ") {
			t.Errorf("%s: the biggest blocked rep %q is not listed, or %q (nothing blocked) is:\n%s", lang, top.Name, none.Name, msg)
		}
		more := map[orders.Language]string{orders.French: "autres commerciaux", orders.English: "more reps"}[lang]
		if !strings.Contains(msg, fmt.Sprintf("%d %s", len(sm.Now.Reps)-notify.SummaryReps, more)) {
			t.Errorf("%s: the reps past the first %d are not counted:\n%s", lang, notify.SummaryReps, msg)
		}

		b, err := sm.Table()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("\uFEFF")) {
			t.Errorf("%s: the table has no byte order mark: Excel would garble its accents", lang)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF"))))
		r.Comma = map[orders.Language]rune{orders.French: ';', orders.English: ','}[lang]
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: the table does not read as CSV: %v", lang, err)
		}
		if len(rows) != len(sm.Now.Reps)+1 {
			t.Errorf("%s: %d rows for %d reps", lang, len(rows)-1, len(sm.Now.Reps))
		}
		pos := map[string]int{}
		for i, row := range rows {
			pos[row[0]] = i
		}
		for _, pair := range [][2]string{{"Éric Zola", "Zoé Zola"}, {"Aimé Ébrard", "Emile Zola"}, {"Emile Zola", "Éric Zola"},
			{"Zacharie Ångström", "Zoé Zola"}} {
			if pos[pair[0]] == 0 || pos[pair[1]] == 0 || pos[pair[0]] > pos[pair[1]] {
				t.Errorf("%s: %q is row %d, %q row %d: want the first before the second", lang, pair[0], pos[pair[0]], pair[1], pos[pair[1]])
			}
		}
		if _, ok := pos[`'=HYPERLINK("http://x")`]; !ok {
			t.Errorf("%s: a name that reads as a formula is not kept as text", lang)
		}
		decimal := map[orders.Language]string{orders.French: "12345,67", orders.English: "12345.67"}[lang]
		if !bytes.Contains(b, []byte(decimal)) {
			t.Errorf("%s: the table does not write 12 345.67 as %s", lang, decimal)
		}
		checkGolden(t, "summary/table_"+string(lang)+".csv", b)
	}
}

// chartTolerance is how far a pixel's channel may differ from the golden
// image's (anti-aliasing on another machine), and how many pixels may.
const (
	chartChannelTolerance = 24
	chartPixelShare       = 0.0002
)

// pixelsDiffer counts the pixels of a and b whose channels differ by more
// than the tolerance; different sizes differ everywhere.
func pixelsDiffer(a, b *image.NRGBA) int {
	if a.Bounds() != b.Bounds() {
		return a.Bounds().Dx() * a.Bounds().Dy()
	}
	n := 0
	for i := 0; i+3 < len(a.Pix); i += 4 {
		for c := range 4 {
			if d := int(a.Pix[i+c]) - int(b.Pix[i+c]); d > chartChannelTolerance || d < -chartChannelTolerance {
				n++
				break
			}
		}
	}
	return n
}

func decodePNG(t *testing.T, b []byte) *image.NRGBA {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the chart is not a PNG: %v", err)
	}
	out := image.NewNRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	return out
}

// TestSummaryChart compares the chart, in both languages, with golden
// images (-update rewrites them; look at them), pixel by pixel within a
// small tolerance. The comparison is shown to catch a change (the same
// chart with one day's value moved), and the picture to hold what it
// should: a bar of every kind's colour, readable at a phone's width.
func TestSummaryChart(t *testing.T) {
	for _, lang := range []orders.Language{orders.French, orders.English} {
		for name, sm := range map[string]notify.Summary{"big": bigSummary(lang), "small": smallSummary(lang)} {
			name := "chart_" + name + "_" + string(lang) + ".png"
			b, err := sm.Chart()
			if err != nil {
				t.Fatal(err)
			}
			got := decodePNG(t, b)
			if w := got.Bounds().Dx(); w != notify.ChartWidth {
				t.Errorf("%s is %d pixels wide, want %d", name, w, notify.ChartWidth)
			}
			path := filepath.Join("testdata", "summary", name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			golden, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run the tests with -update to write it, then look at it)", err)
			}
			want := decodePNG(t, golden)
			total := got.Bounds().Dx() * got.Bounds().Dy()
			if n := pixelsDiffer(got, want); float64(n) > chartPixelShare*float64(total) {
				t.Errorf("%s: %d pixels differ from the golden image (%d allowed); if the change is meant, run -update and look at it",
					name, n, int(chartPixelShare*float64(total)))
			}
			if name != "chart_big_"+string(lang)+".png" {
				continue
			}
			// The comparison sees a change of one day's value.
			moved := bigSummary(lang)
			moved.Now.Days = summaryDays(moved.To, 40)
			a := moved.Now.Days[20].ByKind[orders.StatusCreditLimit]
			a.Cents = map[string]int64{"EUR": a.Cents["EUR"] * 3, "CHF": a.Cents["CHF"]}
			moved.Now.Days[20].ByKind[orders.StatusCreditLimit] = a
			mb, err := moved.Chart()
			if err != nil {
				t.Fatal(err)
			}
			if n := pixelsDiffer(decodePNG(t, mb), want); float64(n) <= chartPixelShare*float64(total) {
				t.Errorf("%s: a chart with one bar three times higher passes the comparison (%d pixels differ)", name, n)
			}
			// Every kind's colour is in the picture, in bars, not only in
			// the legend's swatches.
			for _, st := range orders.BlockedStatuses() {
				if n := countColor(got, kindRGB(t, st)); n < 5000 {
					t.Errorf("%s: %d pixels of %s's colour, want its bars", name, n, st)
				}
			}
		}
	}
}

// kindRGB is the colour the chart gives a kind (the Okabe-Ito palette).
func kindRGB(t *testing.T, st orders.Status) color.NRGBA {
	t.Helper()
	c, ok := map[orders.Status]color.NRGBA{
		orders.StatusFinancialBlock: {R: 0xd5, G: 0x5e, B: 0x00, A: 0xff},
		orders.StatusCreditLimit:    {R: 0xe6, G: 0x9f, B: 0x00, A: 0xff},
		orders.StatusAnomaly:        {R: 0xcc, G: 0x79, B: 0xa7, A: 0xff},
		orders.StatusDeliveryBlock:  {R: 0x00, G: 0x72, B: 0xb2, A: 0xff},
		orders.StatusOutOfStock:     {R: 0x00, G: 0x9e, B: 0x73, A: 0xff},
	}[st]
	if !ok {
		t.Fatalf("no colour for %s", st)
	}
	return c
}

func countColor(img *image.NRGBA, c color.NRGBA) int {
	n := 0
	for i := 0; i+3 < len(img.Pix); i += 4 {
		if img.Pix[i] == c.R && img.Pix[i+1] == c.G && img.Pix[i+2] == c.B && img.Pix[i+3] == c.A {
			n++
		}
	}
	return n
}

// imageBlock returns the file ID an image block of a post shows, if any.
func imageBlock(c slackfake.Call) (string, bool) {
	for _, b := range c.Blocks {
		if b["type"] != "image" {
			continue
		}
		f, _ := b["slack_file"].(map[string]any)
		id, _ := f["id"].(string)
		return id, true
	}
	return "", false
}

// uploadedFile is a file completed by files.completeUploadExternal, with
// the channel it was shared in ("" for none) and its thread.
type uploadedFile struct{ id, channel, thread string }

func uploadedFiles(t *testing.T, s *slackfake.Server) []uploadedFile {
	t.Helper()
	var out []uploadedFile
	for _, c := range s.Calls("files.completeUploadExternal") {
		var files []struct{ ID string }
		if err := json.Unmarshal([]byte(c.Form.Get("files")), &files); err != nil || len(files) != 1 {
			t.Fatalf("files.completeUploadExternal with files %q: %v", c.Form.Get("files"), err)
		}
		out = append(out, uploadedFile{id: files[0].ID, channel: c.Channel + c.Form.Get("channels"), thread: c.ThreadTS})
	}
	return out
}

// TestSummaryPostedWithItsChart: the chart is in the summary's message (an
// image block showing a file uploaded shared nowhere), posted once however
// often the scheduler runs; a new install's first summary charts the
// month the status history holds.
func TestSummaryPostedWithItsChart(t *testing.T) {
	w := setup(t)
	n := w.notifier(notify.Options{SummaryChannel: summaryChannel})
	// Blocked on Friday at 07:00, before orderbot ever sent a summary.
	w.order("4500000061", w.rep, true, orders.StatusCreditLimit, 1000000, 0)
	w.order("4500000062", w.rep2, false, orders.StatusOpen, 500000, 0)
	w.clock.set(time.Date(2026, 11, 30, 8, 1, 0, 0, paris))
	for range 2 {
		if err := n.SendSummary(w.ctx); err != nil {
			t.Fatal(err)
		}
	}
	posts := w.postsTo(summaryChannel)
	if len(posts) != 1 || !strings.Contains(blocksText(posts[0]), "10\u00a0000,00\u00a0€") {
		t.Fatalf("%d summaries: %v", len(posts), posts)
	}
	files := uploadedFiles(t, w.slack)
	if len(files) != 1 || files[0].channel != "" || files[0].thread != "" {
		t.Fatalf("files uploaded: %+v, want the chart once, shared nowhere", files)
	}
	if ups := w.slack.Calls("upload_url"); len(ups) != 1 || !isPNG(ups[0].Upload) {
		t.Errorf("%d uploads, want the chart's PNG once", len(ups))
	}
	if id, ok := imageBlock(posts[0]); !ok || id != files[0].id {
		t.Errorf("the summary shows the file %q (image block: %v), want the chart %s", id, ok, files[0].id)
	}
	// The chart's series comes from the status history: blocked from
	// Friday's end, nothing before.
	sm, err := n.Summary(w.ctx, time.Date(2026, 11, 27, 8, 0, 0, 0, paris), w.clock.now())
	if err != nil {
		t.Fatal(err)
	}
	days := sm.Now.Days
	if len(days) != postgres.SeriesDays {
		t.Fatalf("%d days in the series", len(days))
	}
	friday := days[len(days)-4] // Friday's end, then Saturday's, Sunday's, now
	if got := friday.ByKind[orders.StatusCreditLimit].Cents["EUR"]; got != 1000000 || !friday.End.Equal(time.Date(2026, 11, 28, 0, 0, 0, 0, paris)) {
		t.Errorf("at %s: %d cents on credit limit, want 1000000 at the end of Friday", friday.End, got)
	}
	if got := days[len(days)-5].ByKind[orders.StatusCreditLimit].Cents["EUR"]; got != 0 {
		t.Errorf("Thursday's end: %d cents on credit limit, want 0", got)
	}

	// Tuesday's summary compares with Monday's.
	w.order("4500000063", w.rep, true, orders.StatusOutOfStock, 200000, 0)
	w.clock.set(time.Date(2026, 12, 1, 8, 1, 0, 0, paris))
	if err := n.SendSummary(w.ctx); err != nil {
		t.Fatal(err)
	}
	posts = w.postsTo(summaryChannel)
	if len(posts) != 2 || !strings.Contains(blocksText(posts[1]), "+2\u00a0000,00\u00a0€ depuis le résumé précédent") {
		t.Errorf("Tuesday's summary: %s", blocksText(posts[len(posts)-1]))
	}
}

// TestSummaryChartNotReadyYet: Slack refuses a message showing a file it
// has not finished processing; the post is tried again a moment later and
// goes out once.
func TestSummaryChartNotReadyYet(t *testing.T) {
	w := setup(t)
	n := w.notifier(notify.Options{SummaryChannel: summaryChannel})
	w.order("4500000071", w.rep, true, orders.StatusAnomaly, 300000, 0)
	w.clock.set(time.Date(2026, 11, 30, 8, 1, 0, 0, paris))
	w.slack.FailNext("chat.postMessage", slackfake.Fault{SlackError: "invalid_blocks"})
	if err := n.SendSummary(w.ctx); err != nil {
		t.Fatal(err)
	}
	if tries, posts := len(w.slack.Calls("chat.postMessage")), len(w.postsTo(summaryChannel)); tries != 2 || posts != 1 {
		t.Errorf("%d tries, %d summaries; want 2 tries, 1 summary", tries, posts)
	}
	if files := uploadedFiles(t, w.slack); len(files) != 1 {
		t.Errorf("%d charts uploaded, want 1", len(files))
	}
}

// TestSummaryTableInItsThread: past SummaryReps reps, the full table
// follows in the summary's thread, once; after a crash between the post and
// its recording, the summary and its chart are not posted again, and the
// table goes out once.
func TestSummaryTableInItsThread(t *testing.T) {
	w := setup(t)
	n := w.notifier(notify.Options{SummaryChannel: summaryChannel})
	for i := range notify.SummaryReps + 2 {
		rep, err := w.st.UpsertPerson(w.ctx, orders.Person{Email: fmt.Sprintf("rep%02d@example.fr", i),
			Name: summaryFirst[i] + " " + summaryLast[i], Role: orders.RoleRep})
		if err != nil {
			t.Fatal(err)
		}
		w.order(fmt.Sprintf("45000001%02d", i), rep, false, orders.StatusDeliveryBlock, int64(100000+i*1000), 0)
	}
	monday := time.Date(2026, 11, 30, 8, 1, 0, 0, paris)
	w.clock.set(monday)
	// A process claimed Monday's summary, marked it posting, posted it
	// with its chart, and died before recording Slack's ts.
	key := "summary:" + summaryChannel + ":2026-11-30"
	from := time.Date(2026, 11, 27, 8, 0, 0, 0, paris)
	d, die, ok, err := w.st.ClaimDelivery(w.ctx, postgres.Delivery{Kind: "summary", Key: key, Channel: summaryChannel,
		PeriodFrom: &from, PeriodTo: &monday}, monday)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if err := w.st.MarkPosting(w.ctx, d, monday); err != nil {
		t.Fatal(err)
	}
	sm, err := n.Summary(w.ctx, from, monday)
	if err != nil {
		t.Fatal(err)
	}
	id, err := w.notes.UploadUnshared(w.ctx, sm.ChartName(), sm.ChartTitle(), sm.ChartAlt(), []byte("\x89PNG\r\n\x1a\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.notes.Post(w.ctx, summaryChannel, "", sm.SlackWithChart(id), key); err != nil {
		t.Fatal(err)
	}
	die()
	w.clock.advance(3 * time.Minute)
	for range 2 {
		if err := n.SendSummary(w.ctx); err != nil {
			t.Fatal(err)
		}
	}
	posts := w.postsTo(summaryChannel)
	if len(posts) != 1 {
		t.Fatalf("%d summaries, want the one posted before the crash", len(posts))
	}
	files := uploadedFiles(t, w.slack)
	if len(files) != 2 || files[1].channel != summaryChannel || files[1].thread == "" {
		t.Fatalf("files: %+v, want the chart before the crash, then the table in the summary's thread", files)
	}
	table := w.slack.Calls("upload_url")[1].Upload
	if !bytes.HasPrefix(table, []byte("\uFEFFCommercial;")) || bytes.Count(table, []byte("\n")) != notify.SummaryReps+3 {
		t.Errorf("the table:\n%s", table)
	}
	if !strings.Contains(blocksText(posts[0]), "dans le fil de ce message") {
		t.Errorf("the summary does not say where the table is: %s", blocksText(posts[0]))
	}
}
