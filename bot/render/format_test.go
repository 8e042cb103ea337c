package render_test

import (
	"testing"

	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
)

func TestMoney(t *testing.T) {
	cases := []struct {
		cents    int64
		currency string
		lang     orders.Language
		want     string
	}{
		{1825000, "EUR", orders.French, "18\u00a0250,00\u00a0€"},
		{1825000, "EUR", orders.English, "€18,250.00"},
		{5, "CHF", orders.French, "0,05\u00a0CHF"},
		{123456789, "CHF", orders.English, "CHF 1,234,567.89"},
		{-1050, "USD", orders.English, "-$10.50"},
	}
	for _, c := range cases {
		if got := render.Money(c.cents, c.currency, c.lang); got != c.want {
			t.Errorf("Money(%d, %s, %s) = %q, want %q", c.cents, c.currency, c.lang, got, c.want)
		}
	}
}
