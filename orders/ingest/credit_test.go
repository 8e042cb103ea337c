package ingest_test

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderbot/orderbot/orders/ingest"
)

// frenchCreditProfile reads a French ERP's credit export, as the README
// shows.
func frenchCreditProfile() ingest.Profile {
	return ingest.Profile{
		Kind: "credit", Separator: ";", Encoding: "windows-1252", Decimal: ",", DateFormat: "dd/mm/yyyy",
		Columns: map[string]string{
			"customer_code": "Code client", "credit_limit": "Encours autorisé", "exposure": "Encours total",
			"overdue": "Échu", "overdue_since": "Échu depuis", "currency": "Devise", "account_hold": "Blocage compte",
		},
		HoldValues: map[string]string{"Bloqué": "hold", "Contentieux": "hold", "Libre": "none"},
	}
}

func TestCreditFromAFrenchExport(t *testing.T) {
	text := "Code client;Raison sociale;Encours autorisé;Encours total;Échu;Échu depuis;Devise;Blocage compte\r\n" +
		"C001234;Boulangerie Dupré & Fils;50 000,00;62 300,00;2 300,00;15/10/2026;EUR;Libre\r\n" +
		"C000042;Müller GmbH;10 000,00;4 000,00;;;;\r\n" +
		"C000043;Crème & Café;1 000,00;500,00;0;;€;Contentieux\r\n" +
		"C000044;Épicerie fine;mille;500,00;0;;XX;Peut-être\r\n" +
		";Sans code;1 000,00;;0;;;\r\n"
	path := writeFile(t, "encours.csv", encode1252(t, text))
	r, err := ingest.OpenCredit(context.Background(), path, frenchCreditProfile(), ingest.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got []ingest.CreditEntry
	var bad []string
	for {
		c, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var rowErr *ingest.RowError
		if errors.As(err, &rowErr) {
			bad = append(bad, strings.TrimPrefix(err.Error(), filepath.Dir(path)+string(filepath.Separator)))
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, c)
	}
	if len(got) != 3 {
		t.Fatalf("positions: %+v", got)
	}
	d := got[0]
	if d.CustomerCode != "C001234" || d.Credit.LimitCents != 5000000 || d.Credit.ExposureCents != 6230000 || d.Credit.OverdueCents != 230000 ||
		!sameDate(d.Credit.OverdueSince, date(2026, 10, 15)) || d.Credit.Currency != "EUR" || d.Credit.AccountHold || d.Row != 2 {
		t.Errorf("Dupré: %+v", d)
	}
	if d.Credit.ReleasePaymentCents() != 1230000 {
		t.Errorf("release payment = %d", d.Credit.ReleasePaymentCents())
	}
	if m := got[1]; m.Credit.OverdueCents != 0 || m.Credit.OverdueSince != nil || m.Credit.Currency != "EUR" || m.Credit.AccountHold {
		t.Errorf("Müller: %+v", m)
	}
	if c := got[2]; !c.Credit.AccountHold || c.Credit.Currency != "EUR" {
		t.Errorf("Crème & Café: %+v", c)
	}
	want := []string{
		`encours.csv:5: column "Encours autorisé": "mille" is not a number; column "Devise": "XX" is not a currency code (three letters, like EUR); column "Blocage compte": "Peut-être" is not a known word for an account hold (add it to hold_values as hold or none)`,
		`encours.csv:6: column "Code client": the customer code is missing; column "Encours total": the exposure is missing`,
	}
	if strings.Join(bad, "\n") != strings.Join(want, "\n") {
		t.Errorf("bad rows:\n%s\nwant:\n%s", strings.Join(bad, "\n"), strings.Join(want, "\n"))
	}
	if col := r.Column("exposure"); col != "Encours total" {
		t.Errorf("Column(exposure) = %q", col)
	}
}
