package render

import (
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/orders"
)

// Money formats an amount in hundredths of currency the way lang writes it:
// "18 250,00 €" in French, "€18,250.00" in English.
func Money(cents int64, currency string, lang orders.Language) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	p := message.NewPrinter(tag(lang))
	n := p.Sprint(number.Decimal(float64(cents)/100, number.Scale(2)))
	sym, isCode := currencySymbol(currency)
	switch {
	case lang != orders.English:
		return sign + n + "\u00a0" + sym
	case isCode:
		return sign + sym + " " + n
	}
	return sign + sym + n
}

// currencySymbol returns the sign of the currencies people write with one,
// else the ISO code (isCode).
func currencySymbol(code string) (sym string, isCode bool) {
	switch strings.ToUpper(code) {
	case "EUR":
		return "€", false
	case "USD":
		return "$", false
	case "GBP":
		return "£", false
	}
	return strings.ToUpper(code), true
}

// Quantity formats a quantity of an item the way lang writes it, with up
// to three decimals: "1 250", "2,5" in French; "1,250", "2.5" in English.
func Quantity(q float64, lang orders.Language) string {
	return message.NewPrinter(tag(lang)).Sprint(number.Decimal(q, number.MaxFractionDigits(3)))
}

func tag(lang orders.Language) language.Tag {
	if lang == orders.English {
		return language.English
	}
	return language.French
}

// Date formats a day the way lang writes it: "27/11/2026", "27 Nov 2026".
func Date(t time.Time, lang orders.Language) string {
	if lang == orders.English {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02/01/2006")
}

// DateTime formats a moment the way lang writes it: "27/11/2026 à 06:00",
// "27 Nov 2026 06:00".
func DateTime(t time.Time, lang orders.Language) string {
	return messages().In(lang).T("datetime", catalog.Args{"Date": Date(t, lang), "Time": t.Format("15:04")})
}

// Age says how long ago something happened, roughly, in lang: "3 jours",
// "5 h", "20 min"; "2 days", "5 hours"; the words and their plurals come
// from the catalog.
func Age(d time.Duration, lang orders.Language) string {
	tr := messages().In(lang)
	switch {
	case d < time.Minute:
		return tr.T("age.moment", nil)
	case d < time.Hour:
		return tr.N("age.minutes", int(d.Minutes()), nil)
	case d < 24*time.Hour:
		return tr.N("age.hours", int(d.Hours()), nil)
	}
	return tr.N("age.days", int(d.Hours()/24), nil)
}
