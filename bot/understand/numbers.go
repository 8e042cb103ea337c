package understand

import (
	"regexp"
	"strings"
	"unicode"
)

// Things that look like numbers without being order numbers: dates, times,
// amounts, quantities and phone numbers. They are masked before order
// numbers are looked for, so "livrée le 12/11/2026" or "12 400 €" never
// become an order number.
var notNumbers = []*regexp.Regexp{
	regexp.MustCompile(`\b\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b`),
	regexp.MustCompile(`\b\d{4}-\d{1,2}-\d{1,2}\b`),
	regexp.MustCompile(`(?i)\b\d{1,2}(?:h|:)\d{0,2}\b`),
	regexp.MustCompile(`(?i)\d[\d\x{a0}\x{202f} .,]*\s?(?:€|k€|eur\b|euros?\b|keur\b|k\b|\$|%|usd\b|chf\b|£|gbp\b)`),
	regexp.MustCompile(`(?:€|\$|£)\s?\d[\d,.]*`),
	regexp.MustCompile(`(?:\+33\s?\d|\b0[1-9])(?:[ .]\d{2}){4}\b`),
	regexp.MustCompile(`(?i)\b\d+\s?(?:kg|kgs|g|l|pcs|pc|pieces?|pièces?|cartons?|palettes?|pallets?|colis|unit[eé]s?|units?|boxes|boites?|boîtes?|jours?|days?|semaines?|weeks?|mois|months?|ans?|years?|heures?|hours?|mn|min|minutes?)\b`),
}

// spacedDigits is a long number written in groups of three: "4 500 012 345".
var spacedDigits = regexp.MustCompile(`\b\d{1,3}(?: \d{3}){2,}\b`)

// mask returns text with the spans that are not order numbers blanked, at
// the same byte offsets.
func mask(text string) string {
	b := []byte(text)
	for _, re := range notNumbers {
		for _, m := range re.FindAllStringIndex(string(b), -1) {
			for i := m[0]; i < m[1]; i++ {
				b[i] = ' ' // whole runes go, so the text stays valid UTF-8
			}
		}
	}
	return string(b)
}

// candidate is something in the message that looks like an order number.
type candidate struct {
	start, end int    // byte offsets in the cleaned text
	text       string // as written, without a word that introduces it
	prefix     string // that word, folded ("po", "cde"), when one was dropped
	full       string // as the pattern matched it, with that word
}

// refTail continues a customer's reference past what an order number
// holds: "PO-2026-0042", "CMD 2026/118".
var refTail = regexp.MustCompile(`^(?:[-/.][0-9A-Za-z]+)+`)

// asRef returns c read as a customer's reference: the customer's own
// prefix kept when written in capitals or joined ("CMD 2026/118",
// "PO-7781"), and the parts after the number that references have.
func (c candidate) asRef(text string) string {
	ref := c.text
	if c.prefix != "" {
		p := c.full[:len(c.full)-len(c.text)]
		letters := strings.TrimRight(p, " -/.")
		if strings.ToUpper(letters) == letters || strings.HasSuffix(p, "-") {
			ref = c.full
		}
	}
	return ref + refTail.FindString(text[c.end:])
}

// candidates finds what looks like an order number (by the configured
// pattern) in text, left to right.
func (p *Parser) candidates(text string) []candidate {
	masked := mask(text)
	var out []candidate
	taken := make([]bool, len(text)+1)
	for _, m := range spacedDigits.FindAllStringIndex(masked, -1) {
		joined := strings.ReplaceAll(text[m[0]:m[1]], " ", "")
		if p.whole.MatchString(joined) {
			out = append(out, candidate{start: m[0], end: m[1], text: text[m[0]:m[1]], full: text[m[0]:m[1]]})
			for i := m[0]; i < m[1]; i++ {
				taken[i] = true
			}
		}
	}
	for _, m := range p.number.FindAllStringIndex(masked, -1) {
		if m[0] == m[1] || taken[m[0]] || taken[m[1]-1] {
			continue
		}
		c := candidate{start: m[0], end: m[1], text: text[m[0]:m[1]], full: text[m[0]:m[1]]}
		c = splitPrefix(c)
		if !hasDigit(c.text) {
			continue
		}
		out = append(out, c)
	}
	sortCandidates(out)
	return out
}

// splitPrefix separates a word the pattern took in front of the number
// ("la 4500012345", "cde 4500012345", "PO-7781") from the number itself. A
// word orderbot knows (an article, "cde", "po") is never part of a number;
// an unknown one is, when written in capitals or joined to the digits
// ("SO-1234", "SO 1234").
func splitPrefix(c candidate) candidate {
	i := 0
	for i < len(c.text) && isASCIILetter(c.text[i]) {
		i++
	}
	if i == 0 || i == len(c.text) {
		return c
	}
	word := strings.ToLower(c.text[:i])
	sep := c.text[i]
	rest := i
	if sep == ' ' || sep == '-' || sep == '/' || sep == '.' {
		rest++
	}
	known := fillers[word] || orderWords[word] || refWords[word] || customerWords[word] || word == "n" || word == "no"
	switch {
	case refWords[word]:
		// The customer's reference keeps its prefix as written: "PO-7781".
		c.prefix = word
		if sep == ' ' {
			c.text, c.start = c.text[rest:], c.start+rest
		}
	case known:
		c.prefix = word
		c.text, c.start = c.text[rest:], c.start+rest
	case sep == ' ' && strings.ToUpper(c.text[:i]) != c.text[:i]:
		c.text, c.start = c.text[rest:], c.start+rest
	}
	return c
}

func isASCIILetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

func hasDigit(s string) bool {
	return strings.IndexFunc(s, unicode.IsDigit) >= 0
}

func sortCandidates(cs []candidate) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].start < cs[j-1].start; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}
