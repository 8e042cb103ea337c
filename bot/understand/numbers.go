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
	regexp.MustCompile(`\b\d{4}[-/]\d{1,2}[-/]\d{1,2}\b`),
	regexp.MustCompile(`\b\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b`),
	regexp.MustCompile(`(?i)\b\d{1,2}(?:h|:)\d{0,2}\b`),
	regexp.MustCompile(`(?i)\d[\d\x{a0}\x{202f} .,]*\s?(?:€|k€|eur\b|euros?\b|keur\b|k\b|\$|%|usd\b|chf\b|£|gbp\b|ht\b|ttc\b|dollars?\b|bucks\b)`),
	regexp.MustCompile(`(?:€|\$|£)\s?\d[\d,.]*`),
	// Phone numbers: French ("06 12 34 56 78", "04.78.12.34.56"),
	// international ("+44 20 7946 0958"), British ("020 7946 0958") and
	// American ("(555) 123-4567", "555-0134").
	regexp.MustCompile(`(?:\+33\s?\d|\b0[1-9])(?:[ .]\d{2}){4}\b`),
	regexp.MustCompile(`\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}`),
	regexp.MustCompile(`\b0\d{2,4} \d{3,4} \d{3,4}\b`),
	regexp.MustCompile(`\(\d{3}\)\s?\d{3}[-. ]\d{4}\b`),
	regexp.MustCompile(`\b\d{3}-\d{4}\b`),
	regexp.MustCompile(`(?i)\b\d+\s?(?:kg|kgs|g|l|lbs?|ml|cl|litres?|liters?|tonnes?|tons?|pcs|pc|pieces?|pièces?|cartons?|palettes?|pallets?|colis|cases|bouteilles?|bottles?|unit[eé]s?|units?|boxes|boites?|boîtes?|jours?|days?|semaines?|weeks?|mois|months?|ans?|years?|heures?|hours?|mn|min|minutes?)\b`),
	// An American address's state and ZIP code: "Springfield, IL 62701",
	// "Seattle WA 98101".
	regexp.MustCompile(`\b[A-Z][a-z]+,? [A-Z]{2} \d{5}(?:-\d{4})?\b`),
	// A postal box: "PO box 4521", "BP 120".
	regexp.MustCompile(`(?i)\b(?:p\.?\s?o\.?\s?box|box|bp|b\.p\.)\s?\d+`),
}

// spacedDigits is a long number written in groups of three: "4 500 012 345".
var spacedDigits = regexp.MustCompile(`\b\d{1,3}(?: \d{3}){2,}\b`)

// mask returns text with the spans that are not order numbers blanked, at
// the same byte offsets.
func mask(text string) string {
	if strings.IndexFunc(text, unicode.IsDigit) < 0 {
		return text // nothing to mask: every pattern holds a digit
	}
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

// Words before a number that say what else it is: a postal code, an
// amount, a quantity, a phone number, an invoice, a tax or article
// number. Folded, nearest last.
var (
	postalWords   = words(`cp zip postcode postal`)
	amountWords   = words(`montant total amount worth doit owes owe limit limite plafond valeur value solde balance budget prix price`)
	quantityWords = words(`qty qte qtes quantite quantites quantity quantities x`)
	phoneWords    = words(`tel telephone phone mobile portable fax gsm appeler rappeler call joindre`)
	invoiceWords  = words(`facture factures invoice invoices inv fact avoir`)
	idWords       = words(`tva vat siret siren ean gtin iban bic sku article articles item items lot tracking colis serial rcs naf ape eori`)
	yearWords     = words(`depuis since from in en de of year annee avant apres before after until jusqu fin end debut start
		janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
		january february march april may june july august september october november december
		jan feb mar apr jun jul aug sep sept oct nov dec`)
	// linkWords may stand between such a word and its number: "limite de
	// crédit : 20000", "credit limit is 20000".
	linkWords = words(`is est de of a at au le la the credit d n no code`)
)

// elsewhere tells what a candidate is when the words around it say it is
// not an order number ("CP 75008", "montant 12450", "qté 2400", "tél
// 0612345678", "facture 20260042", "depuis 2025"); "" when they do not.
func elsewhere(c candidate, text string, toks []token) string {
	var before []string // folded, nearest first
	for i := len(toks) - 1; i >= 0 && len(before) < 4; i-- {
		if toks[i].end <= c.start {
			before = append(before, toks[i].key)
		}
	}
	digits := 0
	for _, r := range c.text {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	number := strings.TrimLeft(c.text, " -/")
	phone := digits >= 8 && strings.HasPrefix(number, "0")
	if len(before) > 0 && (before[0] == "au" || before[0] == "at") && phone {
		return "phone" // "client au 0612345678"
	}
	if frenchPhone.MatchString(number) && !cued(c, text, toks) {
		return "phone"
	}
	// The letters the pattern took with the number say it too: "CP 13008".
	if p := strings.TrimRight(c.full[:len(c.full)-len(strings.TrimLeft(c.full, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))], " -/"); p != "" {
		if w := Fold(p); postalWords[w] || phoneWords[w] || invoiceWords[w] || idWords[w] {
			return "identifier"
		}
	}
	// The nearest word that is not a link says it.
	for i, w := range before {
		switch {
		case postalWords[w]:
			return "postal code"
		case amountWords[w]:
			return "amount"
		case quantityWords[w] && i == 0:
			return "quantity"
		case phoneWords[w] && (phone || digits >= 8):
			return "phone"
		case invoiceWords[w]:
			return "invoice"
		case idWords[w]:
			return "identifier"
		case yearWords[w] && i == 0 && isYear(number) && !continues(text, c.end):
			return "year"
		}
		if !linkWords[w] {
			break
		}
	}
	return ""
}

// frenchPhone is a French phone number written without spaces.
var frenchPhone = regexp.MustCompile(`^0[1-9]\d{8}$`)

// isYear reports whether s is a year people ask about: 1990 to 2099.
func isYear(s string) bool {
	s = strings.TrimSpace(s)
	return len(s) == 4 && (strings.HasPrefix(s, "19") && s[2] >= '9' || strings.HasPrefix(s, "20")) &&
		strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// continues reports whether an identifier goes on after offset
// ("2026-0043"): then the number is part of it.
func continues(text string, offset int) bool {
	return offset+1 < len(text) && strings.ContainsRune("-/.", rune(text[offset])) &&
		text[offset+1] >= '0' && text[offset+1] <= '9'
}

// cued reports whether the words right before c say it is an order: "cde
// 10250", "order #10250", "n° 10250".
func cued(c candidate, text string, toks []token) bool {
	if c.prefix != "" && orderWords[c.prefix] {
		return true
	}
	before := strings.TrimRight(text[:c.start], " ")
	if strings.HasSuffix(before, "#") || strings.HasSuffix(before, "°") || strings.HasSuffix(before, "º") {
		return true
	}
	for i := len(toks) - 1; i >= 0; i-- {
		if toks[i].end <= c.start {
			return orderWords[toks[i].key] || toks[i].key == "commande"
		}
	}
	return false
}

// cityNext reports whether c is a postal code by its place: a number of
// four or five digits next to a town written with a capital ("75008
// Paris", "Lyon 69003").
func cityNext(c candidate, text string, toks []token) bool {
	n := strings.TrimSpace(c.text)
	if len(n) < 4 || len(n) > 5 || strings.IndexFunc(n, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return false
	}
	capital := func(t token) bool {
		r := []rune(text[t.start:t.end])
		return len(r) >= 3 && unicode.IsUpper(r[0]) && !unicode.IsUpper(r[1]) && isContent(t.key)
	}
	for i, t := range toks {
		if t.start >= c.end {
			return capital(t) && strings.TrimSpace(text[c.end:t.start]) == ""
		}
		if t.end <= c.start && (i+1 == len(toks) || toks[i+1].start >= c.start) {
			if capital(t) && strings.TrimSpace(text[t.end:c.start]) == "" {
				return true
			}
		}
	}
	return false
}
