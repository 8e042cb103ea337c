package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLinesAndCreditE2E: a French distributor imports its directory, its
// open orders, its order lines and its customers' credit positions, each
// export as its ERP writes it (Windows-1252, semicolons, decimal commas,
// French dates) through the profiles of the README; then a rep asks about
// an order out of stock (the answer names the short item and when it comes
// back), about a credit-blocked order (the answer gives the limit and the
// exposure, and the payment that would release it), and who waits for an
// item.
func TestLinesAndCreditE2E(t *testing.T) {
	vars, cfg, dir, _ := importSetup(t)
	if err := os.WriteFile(cfg, []byte(strings.Replace(sageProfile, "  profiles:\n", "  profiles:"+kindProfiles, 1)+
		"bot:\n  tracking_urls:\n    DHL: 'https://www.dhl.com/fr-fr/home/suivi.html?tracking-id={tracking}'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	asOf := now.Add(-time.Hour).Format("2006-01-02 15:04")
	restock := now.AddDate(0, 0, 8)
	run := func(args ...string) string {
		t.Helper()
		out, stderr, err := orderbot(t, vars, append([]string{"--config", cfg}, args...)...)
		if err != nil {
			t.Fatalf("orderbot %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr)
		}
		return out
	}

	people := filepath.Join(dir, "annuaire.csv")
	if err := os.WriteFile(people, []byte("email,name,role,slack_user_id,digest_channel,language\r\n"+
		"claire.martin@example.fr,Claire Martin,rep,U0CLAIRE01,#ventes-sud,fr\r\n"+
		"paul.girard@example.fr,Paul Girard,rep,U0PAUL0001,#ventes-nord,fr\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run("import", "people", people)

	ordersFile := filepath.Join(dir, "commandes_du_jour.csv")
	write1252(t, ordersFile, sageHeader+
		"4500012345;C001234;Boulangerie Dupré & Fils;PO-7781;claire.martin@example.fr;;Rupture;Chai manquant;1 860,00;03/11/2026;;\r\n"+
		"4500012346;C001234;Boulangerie Dupré & Fils;;claire.martin@example.fr;;En cours;encours dépassé;12 400,50;04/11/2026;Bloquée crédit;\r\n"+
		"4500012347;C000042;Établissements Müller;;paul.girard@example.fr;;Rupture;rupture farine;980,00;05/11/2026;;\r\n")
	run("import", "orders", ordersFile, "--profile", "sage_fr", "--as-of", asOf)

	lines := filepath.Join(dir, "lignes_du_jour.csv")
	write1252(t, lines, frenchLinesHeader+
		"4500012345;1;CHAI-24;Chai épicé 24 × 500 g;12;0;"+restock.Format("02/01/2006")+";0;;\r\n"+
		"4500012345;2;1234;Café moulu 1 kg;40;40;;0;;\r\n"+
		"4500012345;3;2093;Levure fraîche 500 g;10;0;;10;DHL;JD014600006281\r\n"+
		"4500012346;1;4711;Farine T65 sac 25 kg;8;8;;0;;\r\n"+
		"4500012347;1;4711;Farine T65 sac 25 kg;30;10;"+restock.AddDate(0, 0, 2).Format("02/01/2006")+";0;;\r\n")
	run("import", "lines", lines, "--profile", "sage_lignes", "--as-of", asOf)

	credit := filepath.Join(dir, "encours_clients.csv")
	write1252(t, credit, "Code client;Encours autorisé;Encours total;Échu;Échu depuis;Devise;Blocage compte\r\n"+
		"C001234;50 000,00;52 300,00;1 200,00;15/10/2026;EUR;Libre\r\n"+
		"C000042;20 000,00;4 000,00;0;;EUR;Libre\r\n")
	run("import", "credit", credit, "--profile", "sage_encours", "--as-of", asOf)

	ask := func(question string, want ...string) string {
		t.Helper()
		out := run("ask", "--as", "claire.martin@example.fr", question)
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%q: the answer lacks %q:\n%s", question, w, out)
			}
		}
		return out
	}
	stock := ask("où en est la 4500012345 ?", "Articles manquants\u00a0:",
		"12 × CHAI-24 – Chai épicé 24 × 500 g (disponible\u00a0: 0), retour le "+restock.Format("02/01/2006"),
		"Déblocage estimé (date de réappro la plus tardive)\u00a0: "+restock.Format("02/01/2006"),
		"Suivi\u00a0: DHL JD014600006281 https://www.dhl.com/fr-fr/home/suivi.html?tracking-id=JD014600006281")
	if strings.Contains(stock, "Café moulu") {
		t.Errorf("a line fully available is listed unasked:\n%s", stock)
	}
	ask("détail de 4500012345", "40 × 1234 – Café moulu 1 kg — disponible\u00a0: 40", "10 × 2093 – Levure fraîche 500 g — expédié\u00a0: 10")
	ask("et la 4500012346 ?", "Crédit du client", "Plafond\u00a0: 50\u00a0000,00\u00a0€", "Encours\u00a0: 52\u00a0300,00\u00a0€",
		"Dépassement\u00a0: 2\u00a0300,00\u00a0€", "Échu\u00a0: 1\u00a0200,00\u00a0€, depuis le 15/10/2026",
		"Un règlement de 2\u00a0300,00\u00a0€ solde l'échu et ramène l'encours sous le plafond.")
	ask("status of order 4500012346", "Limit: €50,000.00 · Exposure: €52,300.00 · Over the limit by: €2,300.00",
		"A payment of €2,300.00 clears the overdue amount and brings the exposure under the limit.")
	ask("qui attend de la farine T65 ?", "Commandes en attente de «\u00a0farine T65\u00a0»", "4500012347",
		"20 × 4711 – Farine T65 sac 25 kg (disponible\u00a0: 10)")
}
