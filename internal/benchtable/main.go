// Command benchtable turns the output of orderbot's benchmarks (go test
// -bench, on standard input) into the one table of the README's
// performance section: each figure, its target, and PostgreSQL's raw figure
// for the same work where there is one. make bench runs it.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// result is one benchmark's reported metrics, by unit.
type result map[string]float64

// benchLine is a line of go test -bench output: the name, the count, then
// value-unit pairs.
var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

func parse(r io.Reader) (map[string]result, []string, error) {
	out := map[string]result{}
	var seen []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		f := strings.Fields(m[2])
		res := result{}
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err == nil {
				res[f[i+1]] = v
			}
		}
		if _, ok := out[m[1]]; !ok {
			seen = append(seen, m[1])
		}
		out[m[1]] = res
	}
	return out, seen, sc.Err()
}

// row is one line of the table: what was measured, how, and against what.
type row struct {
	work, bench, target, raw string
	figure                   func(result) string
	rawFigure                func(result) string
}

func ms(r result) string { return fmt.Sprintf("%.3g / %.3g ms", r["p50-ms"], r["p99-ms"]) }

func rows() []row {
	return []row{
		{"order by number, with customer, people, blocks and lines (2,000,000 orders)", "BenchmarkOrderByNumber/orderbot",
			"p99 ≤ 1 ms", "BenchmarkOrderByNumber/pgbench", ms, ms},
		{"customer by name as people type it (100,000 customers)", "BenchmarkCustomersByName/orderbot",
			"p99 ≤ 15 ms", "BenchmarkCustomersByName/pgbench", func(r result) string {
				return fmt.Sprintf("%s; meant customer found %.1f%%, first %.1f%%", ms(r), r["found-%"], r["first-%"])
			}, ms},
		{"customer by name, customers without open orders", "BenchmarkCustomersByName/orderbot-no-open-orders", "", "", ms, nil},
		{"open orders of a rep, first 15 with totals", "BenchmarkOpenOrdersOfRep", "", "", ms, nil},
		{"order by number with its lines and its customer's credit (5,000,000 lines)", "BenchmarkOrderWithLines/lookup",
			"p99 ≤ 2 ms", "BenchmarkOrderWithLines/pgbench", ms, ms},
		{"the same, made an answer with all its lines and rendered for Slack", "BenchmarkOrderWithLines/answer", "p99 ≤ 2 ms", "", ms, nil},
		{"open orders short of an item, by its code, first 15 with totals", "BenchmarkOrdersShortOf/code", "", "", ms, nil},
		{"open orders short of an item, by words of its description", "BenchmarkOrdersShortOf/words", "", "", ms, nil},
		{"question by order number, understood, answered and rendered for Slack", "BenchmarkQuestionOrderNumber",
			"p99 ≤ 3 ms", "BenchmarkOrderByNumber/pgbench", ms, ms},
		{"question by customer name, understood, answered and rendered for Slack", "BenchmarkQuestionCustomerName",
			"p99 ≤ 20 ms", "BenchmarkCustomersByName/pgbench", ms, ms},
		{"questions through Socket Mode from a fake Slack, 500/s offered", "BenchmarkSocketQuestions", "≥ 300/s, p99 < 100 ms", "",
			func(r result) string {
				return fmt.Sprintf("%.0f questions/s, question to reply %s, ack p99 %.3g ms", r["questions/s"], ms(r), r["ack-p99-ms"])
			}, nil},
		{"the managers' summary figures, with the 30-day blocked series from the status history (2,000,000 orders; once a day)",
			"BenchmarkPortfolioAt", "", "", ms, nil},
		{"a question read by the rules alone, no vocabulary", "BenchmarkUnderstand/no-vocabulary", "p99 < 1 ms", "", ms, nil},
		{"a question read by the rules alone, with the vocabulary of 100,000 customers and 100,000 reasons",
			"BenchmarkUnderstand/100k-customers-100k-reasons", "p99 < 1 ms", "", ms, nil},
		{"order lines re-imported, 5,000,000 lines of 2,000,000 orders, 5% changed", "BenchmarkImportLines", "≤ 4 × COPY, < 300 MB", "",
			func(r result) string {
				return fmt.Sprintf("%.0f lines/s, %.2f × COPY (first load %.1f ×), heap peak %.0f MB", r["lines/s"], r["x-copy"], r["first-x-copy"], r["peak-heap-MB"])
			}, func(r result) string { return fmt.Sprintf("COPY into an unlogged table: %.2f s", r["copy-s"]) }},
		{"reading and checking a French CSV export (Windows-1252, ';', decimal comma)", "BenchmarkReadCSV", "≥ 1,000,000 rows/s, < 200 MB", "",
			func(r result) string {
				return fmt.Sprintf("%.0f rows/s, heap peak %.0f MB", r["rows/s"], r["peak-heap-MB"])
			}, nil},
		{"reading and checking an XLSX export", "BenchmarkReadXLSX", "streamed, < 200 MB", "",
			func(r result) string {
				return fmt.Sprintf("%.0f rows/s, heap peak %.0f MB", r["rows/s"], r["peak-heap-MB"])
			}, nil},
		{"an import changing 10,000 followed orders (two followers each), followers' notices planned in its transaction",
			"BenchmarkImportPlansFollows", "", "", func(r result) string {
				return fmt.Sprintf("%.2f s, %.2f × the same import nobody follows", r["followed-s"], r["x-unfollowed"])
			}, nil},
		{"one of two replicas killed with SIGKILL mid-burst: from the kill to the last question answered", "BenchmarkTakeover", "", "",
			func(r result) string {
				return fmt.Sprintf("%.1f s, %.0f questions taken over", r["takeover-s"], r["taken-over"])
			}, nil},
		{"a direct message asked behind 40 questions waiting in one channel (Slack's pace: one post a second per channel)",
			"BenchmarkBusyChannel", "answered < 1 s", "", func(r result) string {
				return fmt.Sprintf("answered in %.0f ms (worst round), after %.0f of the channel's answers", r["dm-ms"], r["channel-posts-before-dm"])
			}, nil},
	}
}

func main() {
	results, seen, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	fmt.Println("| work | target | orderbot (p50 / p99) | PostgreSQL alone (pgbench, same SQL) |")
	fmt.Println("|---|---|---|---|")
	used := map[string]bool{}
	all := rows()
	for _, name := range seen {
		all = append(all, importRows(name)...)
	}
	for _, r := range all {
		res, ok := results[r.bench]
		if !ok {
			continue
		}
		used[r.bench], used[r.raw] = true, true
		raw := ""
		if rr, ok := results[r.raw]; ok && r.rawFigure != nil {
			raw = r.rawFigure(rr)
		}
		fmt.Printf("| %s | %s | %s | %s |\n", r.work, r.target, r.figure(res), raw)
	}
	for _, name := range seen {
		if !used[name] {
			fmt.Printf("| %s | | %v | |\n", name, results[name])
		}
	}
}

// importRows are the rows of one size of BenchmarkImportSnapshot (named
// BenchmarkImportSnapshot/rows=N): the first load, the re-import and the
// order lookups during a re-import, each import with its steps' times.
func importRows(name string) []row {
	n, ok := strings.CutPrefix(name, "BenchmarkImportSnapshot/rows=")
	if !ok {
		return nil
	}
	rows, err := strconv.Atoi(n)
	if err != nil {
		return nil
	}
	count := thousands(rows)
	copyFigure := func(r result) string {
		return fmt.Sprintf("COPY of the file into an unlogged table: %.2f s (%.0f rows/s)", r["copy-s"], r["copy-rows/s"])
	}
	steps := func(r result, prefix string) string {
		var parts []string
		for _, s := range []string{"load", "compare", "apply", "derived"} {
			if v := r[prefix+s+"-s"]; v > 0 {
				parts = append(parts, fmt.Sprintf("%s %.2f s (%.2f ×)", s, v, v/r["copy-s"]))
			}
		}
		return strings.Join(parts, ", ")
	}
	return []row{
		{"first load, " + count + " orders into an empty store (customers and their search indexes included)", name,
			"≤ 5 × COPY, < 200 MB", name, func(r result) string {
				return fmt.Sprintf("%.2f s, %.1f × COPY, peak %.0f MB: %s", r["first-s"], r["first-x-copy"], r["first-peak-MB"],
					steps(r, "first-"))
			}, copyFigure},
		{"snapshot re-import, " + count + " rows, 5% changed", name, "≤ 2 × COPY, < 200 MB", name, func(r result) string {
			return fmt.Sprintf("%.0f rows/s, %.2f × COPY, peak %.0f MB: %s", r["rows/s"], r["x-copy"], r["peak-MB"], steps(r, "re-"))
		}, copyFigure},
		{"order by number while a re-import of " + count + " rows applies", name, "", "", func(r result) string {
			return fmt.Sprintf("p99 %.3g ms (idle: %.3g ms)", r["lookup-import-p99-ms"], r["lookup-idle-p99-ms"])
		}, nil},
	}
}

// thousands writes n with commas between thousands.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
