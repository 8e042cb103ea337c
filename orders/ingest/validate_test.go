package ingest_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/orderbot/orderbot/orders/ingest"
)

// validProfile is a French ';' export with two block columns, as the README
// shows.
func validProfile() ingest.Profile {
	return ingest.Profile{
		Format:     "csv",
		Separator:  ";",
		Encoding:   "windows-1252",
		Decimal:    ",",
		DateFormat: "dd/mm/yyyy",
		PeopleBy:   "email",
		Columns: map[string]string{
			"number": "N° commande", "customer_code": "Code client", "customer_name": "Raison sociale",
			"rep": "Commercial", "status": "Statut", "block_reason": "Motif blocage", "amount": "Montant HT",
			"ordered_on": "Date commande",
		},
		Statuses: map[string]string{"En cours": "open", "Rupture": "out_of_stock", "Facturée": "invoiced"},
		Blocks: []ingest.BlockColumn{
			{Column: "Blocage crédit", Values: map[string]string{"Bloquée crédit": "credit_limit", "OK": "none"}},
			{Column: "Blocage livraison", Values: map[string]string{"Z1": "delivery_block"}, Default: "none", ReasonColumn: "Motif livraison"},
		},
		Priority:  []string{"delivery_block", "credit_limit"},
		Constants: map[string]string{"currency": "EUR"},
	}
}

func TestValidate(t *testing.T) {
	const statuses = "financial_block, credit_limit, anomaly, delivery_block, out_of_stock, picking, open, invoiced, cancelled"
	const blocked = "financial_block, credit_limit, anomaly, delivery_block, out_of_stock or none"
	tests := []struct {
		name   string
		change func(p *ingest.Profile)
		want   []string // every problem, in order
	}{
		{"valid", func(p *ingest.Profile) {}, nil},
		{"detect everything", func(p *ingest.Profile) {
			p.Format, p.Separator, p.Encoding, p.Decimal, p.DateFormat = "", "", "", "", ""
		}, nil},
		{"aliases", func(p *ingest.Profile) {
			p.Format, p.Separator, p.Encoding, p.DateFormat = "XLSX", "tab", "CP1252", "YYYY-MM-DD"
		}, nil},
		{"status by default only", func(p *ingest.Profile) {
			delete(p.Columns, "status")
			p.DefaultStatus = "open"
		}, nil},
		{"format", func(p *ingest.Profile) { p.Format = "xls" },
			[]string{`format: "xls" is not a file format (csv or xlsx, or leave it out to go by the file)`}},
		{"separator", func(p *ingest.Profile) { p.Separator = ":" },
			[]string{`separator: ":" is not a separator (",", ";", "\t" or "|", or leave it out to detect it)`}},
		{"encoding", func(p *ingest.Profile) { p.Encoding = "ebcdic" },
			[]string{`encoding: "ebcdic" is not a supported encoding (utf-8, windows-1252 or utf-16, or leave it out to detect it)`}},
		{"decimal", func(p *ingest.Profile) { p.Decimal = "virgule" },
			[]string{`decimal: "virgule" is not a decimal separator ("," or ".")`}},
		{"date_format", func(p *ingest.Profile) { p.DateFormat = "dd/mm/yy" },
			[]string{`date_format: "dd/mm/yy" is not a date format (dd/mm/yyyy, yyyy-mm-dd, dd.mm.yyyy, mm/dd/yyyy, yyyymmdd, or leave it out to accept the first three)`}},
		{"people_by", func(p *ingest.Profile) { p.PeopleBy = "phone" },
			[]string{`people_by: "phone" is not a way to name people (email, code or name)`}},
		{"people_by missing", func(p *ingest.Profile) { p.PeopleBy = "" },
			[]string{`people_by: required when a rep or assistant column is mapped: email, code or name`}},
		{"required columns", func(p *ingest.Profile) {
			delete(p.Columns, "number")
			delete(p.Columns, "customer_code")
			delete(p.Columns, "status")
		}, []string{
			`columns.number: required: the header of the column holding the order number`,
			`columns.customer_code: required: the header of the column holding the customer code`,
			`columns.status: required unless default_status is set`,
		}},
		{"unknown and empty columns", func(p *ingest.Profile) {
			p.Columns["montant"] = "Montant"
			p.Columns["Date Cde"] = "Date"
			p.Columns["amount"] = " "
		}, []string{
			`columns["Date Cde"]: not an order field (number, customer_code, customer_name, customer_ref, rep, assistant, status, block_reason, amount, currency, ordered_on, requested_on, promised_on, expected_release), nor a line's (line, item, description, quantity, available, restock_on, shipped, carrier, tracking)`,
			`columns.amount: the header text is empty`,
			`columns.montant: not an order field (number, customer_code, customer_name, customer_ref, rep, assistant, status, block_reason, amount, currency, ordered_on, requested_on, promised_on, expected_release), nor a line's (line, item, description, quantity, available, restock_on, shipped, carrier, tracking)`,
		}},
		{"statuses", func(p *ingest.Profile) {
			p.Statuses["Bloquée crédit"] = "credit"
			p.Statuses["EN COURS "] = "picking"
			p.Statuses[" "] = "open"
		}, []string{
			`statuses[" "]: the ERP's word is empty`,
			`statuses["Bloquée crédit"]: "credit" is not an order status (` + statuses + `)`,
			`statuses["En cours"]: the same word as "EN COURS ", with another status`,
		}},
		{"default_status", func(p *ingest.Profile) { p.DefaultStatus = "bloqué" },
			[]string{`default_status: "bloqué" is not an order status (` + statuses + `)`}},
		{"blocks", func(p *ingest.Profile) {
			p.Blocks[0].Column = ""
			p.Blocks[1].Values["Z1"] = "open"
			p.Blocks[1].Values["Z2"] = "credit"
			p.Blocks[1].Default = "picking"
		}, []string{
			`blocks[0].column: required: the header of the column holding the block`,
			`blocks[1].values["Z1"]: "open" is not a blocked status (` + blocked + `)`,
			`blocks[1].values["Z2"]: "credit" is not a blocked status (` + blocked + `)`,
			`blocks[1].default: "picking" is not a blocked status (` + blocked + `)`,
		}},
		{"priority", func(p *ingest.Profile) { p.Priority = []string{"credit_limit", "open", "credit_limit"} },
			[]string{
				`priority: "open" is not a blocked status (financial_block, credit_limit, anomaly, delivery_block, out_of_stock)`,
				`priority: "credit_limit" appears twice`,
			}},
		{"constants", func(p *ingest.Profile) {
			p.Constants = map[string]string{"number": "1", "currency": "euros", "amount": "12,4,5",
				"promised_on": "31/02/2026", "status": "perdue", "colour": "red", "customer_ref": ""}
		}, []string{
			`constants.colour: not an order field (number, customer_code, customer_name, customer_ref, rep, assistant, status, block_reason, amount, currency, ordered_on, requested_on, promised_on, expected_release)`,
			`constants.customer_ref: the value is empty`,
			`constants.number: the order number cannot be a constant`,
			`constants.amount: "12,4,5" is not a number`,
			`constants.promised_on: "31/02/2026" is not a date (dd/mm/yyyy)`,
			`constants.currency: "euros" is not a currency code (three letters, like EUR)`,
			`constants.status: "perdue" is not an order status nor a word of statuses`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validProfile()
			tt.change(&p)
			err := p.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var pe *ingest.ProfileError
			if !errors.As(err, &pe) {
				t.Fatalf("Validate() = %v (%T), want a *ProfileError", err, err)
			}
			var got []string
			for _, e := range pe.Unwrap() {
				got = append(got, e.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Validate() problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if msg := err.Error(); msg != strings.Join(tt.want, "; ") || strings.Contains(msg, "\n") {
				t.Errorf("Validate() = %q, want the problems on one line", msg)
			}
		})
	}
}
