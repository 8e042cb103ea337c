// Package sample provides orderbot's sample data: a small hand-written
// portfolio of a French B2B food and equipment distributor, for tests that
// need realistic names and every status (Portfolio, with customers named to
// test escaping) and for the demo (Demo, without them), and a deterministic
// generator of portfolios of any size, for load tests and benchmarks at the
// scale of SPEC.md §5.
//
// Everything here is deterministic: the same arguments give the same data,
// so tests can rely on it and benchmarks can be compared run to run.
package sample

import (
	"fmt"
	"slices"
	"time"

	"github.com/orderbot/orderbot/orders"
)

// Data is a portfolio ready to load: people, customers and orders. Orders
// name their customer by code and name, and their rep and assistant by a copy
// of the person (e-mail set), all with ID 0, so a loader stores people and
// customers first and resolves the orders' references by code and e-mail.
type Data struct {
	People    []orders.Person
	Customers []orders.Customer
	// Orders carry their history, oldest first; the last change's To is the
	// order's status and its At the order's StatusSince.
	Orders []orders.TrackedOrder
}

// portfolioSource is the Source of every status change of the sample portfolio.
const portfolioSource = "sample"

// The people of the sample portfolio, by position in Portfolio's People.
const (
	manager = iota
	repSud
	repNord
	repExport
	repIDF
	advClaire
	advAmelie
	advNoemie
	noAssistant = -1
)

// sampleCustomer is a customer of the sample portfolio and who follows it.
type sampleCustomer struct {
	code, name string
	rep, adv   int    // positions in People; adv may be noAssistant
	currency   string // "" means EUR
}

// sampleBlock is an active (or lifted) block, relative to now.
type sampleBlock struct {
	kind    orders.Status
	reason  string
	ago     time.Duration // since when it holds the order
	release int           // expected release, days from now; 0 when unknown
}

// sampleLine is an order line, relative to now.
type sampleLine struct {
	item, description  string
	ordered, available float64
	restock            int // days from now; 0 when unknown
}

// sampleOrder describes one order of the sample portfolio relative to now.
type sampleOrder struct {
	number, customer, ref string
	cents                 int64
	ordered               int // days ago
	requested, promised   int // days from now (negative: past); 0 when unknown
	// status is open, picking, invoiced or cancelled; an order with blocks
	// takes the most urgent block's kind instead.
	status orders.Status
	ago    time.Duration // when it entered status, or was closed
	blocks []sampleBlock
	lifted *sampleBlock // a block released before the current status
	lines  []sampleLine
	noADV  bool // this order has no assistant, whatever its customer's
}

// Portfolio returns the sample portfolio of a French food and equipment
// distributor, dated relative to now: 8 people, 26 customers and 62 orders
// covering every status, double blocks, lifted blocks, out-of-stock lines,
// orders without an assistant, Swiss-franc orders, customer names full of
// accents, and the escaping fixtures: customers named with SQL and Slack
// metacharacters ("<!channel>", markup) whose orders carry more of them,
// there for tests to show that nothing reaches Slack unescaped. Times are
// whole seconds; dates (ordered, requested, promised, restock, expected
// release) are midnight UTC of the calendar day in now's location.
func Portfolio(now time.Time) Data {
	now = now.Truncate(time.Second)
	year := now.Year()
	people := portfolioPeople()
	customers := portfolioCustomers()
	var d Data
	d.People = people
	byCode := make(map[string]sampleCustomer, len(customers))
	for _, c := range customers {
		d.Customers = append(d.Customers, orders.Customer{Code: c.code, Name: c.name})
		byCode[c.code] = c
	}
	for i, s := range portfolioOrders(year) {
		// An unknown code (a typo in the table) gives an order without a
		// customer, which fails Validate in the tests.
		d.Orders = append(d.Orders, s.build(now, i, byCode[s.customer], people))
	}
	return d
}

// Demo returns the sample portfolio as the demo shows it: Portfolio
// without its escaping fixtures (the customers named to test escaping, and
// their orders), so that someone trying orderbot meets only customers a
// distributor has. The orders kept are Portfolio's, unchanged.
func Demo(now time.Time) Data {
	d := Portfolio(now)
	fixture := escapingFixtures()
	d.Customers = slices.DeleteFunc(d.Customers, func(c orders.Customer) bool { return fixture[c.Code] })
	d.Orders = slices.DeleteFunc(d.Orders, func(t orders.TrackedOrder) bool { return fixture[t.Order.Customer.Code] })
	return d
}

// escapingFixtures are the codes of the customers named to test escaping.
func escapingFixtures() map[string]bool {
	return map[string]bool{"C001241": true, "C001242": true}
}

func portfolioPeople() []orders.Person {
	return []orders.Person{
		manager: {Email: "helene.lefevre@example.fr", Name: "Hélène Lefèvre", Role: orders.RoleManager,
			Code: "DIR01", SlackUserID: "U0MGR0001", Language: orders.French},
		repSud: {Email: "francois.duboeuf@example.fr", Name: "François Dubœuf", Role: orders.RoleRep,
			Code: "V01", SlackUserID: "U0REP0001", DigestChannel: "#ventes-sud", Language: orders.French},
		repNord: {Email: "camille.rousseau@example.fr", Name: "Camille Rousseau", Role: orders.RoleRep,
			Code: "V02", SlackUserID: "U0REP0002", DigestChannel: "#ventes-nord-est", Language: orders.French},
		repExport: {Email: "emma.collins@example.fr", Name: "Emma Collins", Role: orders.RoleRep,
			Code: "V03", SlackUserID: "U0REP0003", DigestChannel: "#ventes-export", Language: orders.English},
		repIDF: {Email: "jerome.benoit@example.fr", Name: "Jérôme Benoît", Role: orders.RoleRep,
			Code: "V04", SlackUserID: "U0REP0004", DigestChannel: "#ventes-idf", Language: orders.English},
		advClaire: {Email: "claire.martin@example.fr", Name: "Claire Martin", Role: orders.RoleAssistant,
			Code: "ADV01", SlackUserID: "U0ADV0001", Language: orders.French},
		advAmelie: {Email: "amelie.roussel@example.fr", Name: "Amélie Roussel", Role: orders.RoleAssistant,
			Code: "ADV02", SlackUserID: "U0ADV0002", Language: orders.French},
		advNoemie: {Email: "noemie.faure@example.fr", Name: "Noémie Faure", Role: orders.RoleAssistant,
			Code: "ADV03", SlackUserID: "U0ADV0003", Language: orders.English},
	}
}

func portfolioCustomers() []sampleCustomer {
	return []sampleCustomer{
		{"C001234", "Boulangerie Dupré & Fils", repSud, advClaire, ""},
		{"C001235", "Établissements Müller SARL", repNord, advAmelie, ""},
		{"C001236", "Spécialités du Monde", repExport, advNoemie, ""},
		{"C001237", "Bénard Frères", repIDF, advClaire, ""},
		{"C001238", "Carrefour Market Lyon 3", repSud, advClaire, ""},
		{"C001239", "Boucherie Lefèvre", repNord, advAmelie, ""},
		{"C001240", "Boucherie Lefèvre & Cie", repIDF, advAmelie, ""},
		// The escaping fixtures (escapingFixtures): not in the demo.
		{"C001241", `O'Brien "<!channel>" & Co; DROP TABLE orders;--`, repExport, advNoemie, ""},
		{"C001242", "Café *Gras* _Italique_ ~Barré~", repSud, advClaire, ""},
		{"C001243", "Hôtel du Vieux Port", repSud, advClaire, ""},
		{"C001244", "Brasserie de l'Étoile", repIDF, advNoemie, ""},
		{"C001245", "Pâtisserie Guérin", repNord, advAmelie, ""},
		{"C001246", "Fromagerie Lambert SAS", repNord, advAmelie, ""},
		{"C001247", "Traiteur Côté Sud", repSud, advClaire, ""},
		{"C001248", "Épicerie fine Saint-Honoré", repIDF, advNoemie, ""},
		{"C001249", "Restaurant Le Relais d'Alsace", repNord, advAmelie, ""},
		{"C001250", "Cave Noël & Bérard", repSud, noAssistant, ""},
		{"C001251", "Crêperie Ty Breizh", repIDF, advClaire, ""},
		{"C001252", "Les Halles de Nîmes", repSud, advClaire, ""},
		{"C001253", "Cuisine Centrale de Besançon", repNord, advAmelie, ""},
		{"C001254", "Zürcher Gastro AG", repExport, advNoemie, "CHF"},
		{"C001255", "Maison Peña-Ruiz", repExport, advNoemie, ""},
		{"C001256", "L'Atelier Gourmand", repIDF, advNoemie, ""},
		{"C001257", "Auberge du Lac d'Annecy", repSud, advClaire, ""},
		{"C001258", "Genève Hôtellerie SA", repExport, advNoemie, "CHF"},
		{"C001259", "Collège Jean-Moulin – restauration scolaire", repIDF, advClaire, ""},
	}
}

// portfolioOrders is the hand-written table of the sample orders, customer
// by customer. Amounts are in cents; invoice and order references carry the
// current year.
func portfolioOrders(year int) []sampleOrder {
	y := func(format string) string { return fmt.Sprintf(format, year) }
	return slices.Concat(ordersC1234To1240(y), ordersC1241To1249(y), ordersC1250To1259(y))
}

// ordersC1234To1240 is the first part of portfolioOrders: the orders of
// customers C001234 to C001240, the everyday cases and the two Boucheries
// Lefèvre. y formats a reference with the current year.
func ordersC1234To1240(y func(string) string) []sampleOrder {
	const h, d = time.Hour, 24 * time.Hour
	const (
		open      = orders.StatusOpen
		picking   = orders.StatusPicking
		oos       = orders.StatusOutOfStock
		anomaly   = orders.StatusAnomaly
		credit    = orders.StatusCreditLimit
		delivery  = orders.StatusDeliveryBlock
		financial = orders.StatusFinancialBlock
		invoiced  = orders.StatusInvoiced
		cancelled = orders.StatusCancelled
	)
	return []sampleOrder{
		// Boulangerie Dupré & Fils: four open orders, one held twice.
		{number: "4500012345", customer: "C001234", ref: "PO-7781", cents: 124050, ordered: 6, requested: 2, promised: 3, status: open},
		{number: "4500012346", customer: "C001234", ref: y("CMD %d/118"), cents: 386000, ordered: 9, requested: -1, promised: 4,
			blocks: []sampleBlock{{oos, "SKU 4711 manquant", 3 * d, 5}},
			lines: []sampleLine{
				{"4711", "Farine de blé T65, sac 25 kg", 40, 12, 5},
				{"2093", "Levure fraîche 500 g", 24, 24, 0},
				{"3310", "Moule à cake inox 30 cm", 12, 12, 0},
			}},
		{number: "4500012388", customer: "C001234", ref: "PO-7790", cents: 98000, ordered: 3, requested: 4, promised: 4, status: picking, ago: 5 * h},
		{number: "0004500099", customer: "C001234", cents: 1542000, ordered: 14, requested: -3, promised: 2,
			blocks: []sampleBlock{
				{credit, "encours dépassé de 12 400 €", 6 * d, 0},
				{delivery, "adresse de livraison incomplète", 2 * d, 0},
			}},
		{number: "4500011020", customer: "C001234", ref: "PO-7702", cents: 231000, ordered: 35, requested: -28, promised: -27, status: invoiced, ago: 20 * d},

		// Établissements Müller SARL.
		{number: "4500012401", customer: "C001235", ref: "BC-55120", cents: 2275000, ordered: 12, requested: -2, promised: -2,
			blocks: []sampleBlock{{financial, y("litige facture F-%d-0412"), 9 * d, 0}}},
		{number: "4500012402", customer: "C001235", ref: "BC-55131", cents: 412000, ordered: 4, requested: 6, status: open},
		{number: "4500012455", customer: "C001235", ref: "BC-55140", cents: 896000, ordered: 2, requested: 3, promised: 3, status: picking, ago: 20 * h},
		{number: "4500010988", customer: "C001235", ref: "BC-54877", cents: 3120000, ordered: 60, requested: -50, promised: -48, status: invoiced, ago: 40 * d},

		// Spécialités du Monde: SO- numbers from the export desk.
		{number: "SO-001234", customer: "C001236", ref: y("PO-%d-0042"), cents: 648000, ordered: 8, requested: 5, promised: 7,
			blocks: []sampleBlock{{anomaly, "prix unitaire incohérent ligne 3 (12,40 € au lieu de 14,20 €)", 4 * d, 0}}},
		{number: "SO-001301", customer: "C001236", ref: y("PO-%d-0051"), cents: 215000, ordered: 3, requested: 10, status: open},
		{number: "SO-000987", customer: "C001236", ref: y("PO-%d-0007"), cents: 987000, ordered: 50, requested: -40, promised: -38, status: invoiced, ago: 30 * d},
		{number: "SO-001122", customer: "C001236", ref: y("PO-%d-0019"), cents: 120000, ordered: 25, requested: -10, status: cancelled, ago: 18 * d},

		// Bénard Frères: credit first, then overdue invoices on top.
		{number: "4500012500", customer: "C001237", ref: "PO-8812", cents: 4530000, ordered: 18, requested: -4, promised: -1,
			blocks: []sampleBlock{
				{credit, "encours dépassé de 38 900 €", 10 * d, 0},
				{financial, "3 factures échues impayées (21 480 €)", 7 * d, 0},
			}},
		{number: "4500012501", customer: "C001237", ref: "PO-8820", cents: 340000, ordered: 5, requested: 2, promised: 4,
			blocks: []sampleBlock{{delivery, "quai de livraison fermé pour travaux, rappeler le client", 26 * h, 4}}},
		{number: "4500011950", customer: "C001237", ref: "PO-8790", cents: 1275000, ordered: 28, requested: -20, promised: -20, status: invoiced, ago: 12 * d},

		// Carrefour Market Lyon 3.
		{number: "4500012600", customer: "C001238", ref: "CMD-LY3-4471", cents: 1286000, ordered: 7, requested: 1, promised: 12,
			blocks: []sampleBlock{{oos, "rupture fournisseur sur les vitrines réfrigérées", 6 * d, 12}},
			lines: []sampleLine{
				{"88012", "Vitrine réfrigérée 1,5 m", 2, 0, 12},
				{"88040", "Étiquettes prix électroniques (lot de 50)", 4, 4, 0},
			}},
		{number: "4500012601", customer: "C001238", ref: "CMD-LY3-4480", cents: 198000, ordered: 1, requested: 5, status: open},
		{number: "4500012602", customer: "C001238", ref: "CMD-LY3-4483", cents: 76000, ordered: 2, requested: 1, promised: 1, status: picking, ago: 3 * h},
		{number: "4500011800", customer: "C001238", ref: "CMD-LY3-4402", cents: 452500, ordered: 33, requested: -26, promised: -26, status: invoiced, ago: 25 * d},

		// The two Boucheries Lefèvre, so that "Lefèvre" is ambiguous.
		{number: "4500012700", customer: "C001239", ref: "PO 3318", cents: 264000, ordered: 6, requested: 1,
			blocks: []sampleBlock{{anomaly, "RIB manquant", 5 * d, 0}}},
		{number: "4500012701", customer: "C001239", ref: "PO 3321", cents: 87000, ordered: 2, requested: 4, status: open},
		{number: "4500012750", customer: "C001240", ref: y("LEF-%d-07"), cents: 532000, ordered: 10, requested: -2, promised: 3,
			blocks: []sampleBlock{{delivery, "adresse de livraison incomplète (code porte manquant)", 3 * d, 0}}},
		{number: "4500012751", customer: "C001240", ref: y("LEF-%d-09"), cents: 149000, ordered: 3, requested: 2, promised: 2, status: picking, ago: 9 * h},
	}
}

// ordersC1241To1249 is the second part of portfolioOrders: the orders of
// customers C001241 to C001249, the escaping fixtures, then hotels,
// restaurants and shops. y formats a reference with the current year.
func ordersC1241To1249(y func(string) string) []sampleOrder {
	const h, d = time.Hour, 24 * time.Hour
	const (
		open      = orders.StatusOpen
		picking   = orders.StatusPicking
		oos       = orders.StatusOutOfStock
		anomaly   = orders.StatusAnomaly
		credit    = orders.StatusCreditLimit
		delivery  = orders.StatusDeliveryBlock
		financial = orders.StatusFinancialBlock
		invoiced  = orders.StatusInvoiced
		cancelled = orders.StatusCancelled
	)
	return []sampleOrder{
		// Metacharacters: one open order each for the hostile names.
		{number: "4500012800", customer: "C001241", ref: `PO-0666'; --`, cents: 66600, ordered: 4, requested: 3,
			blocks: []sampleBlock{{anomaly, `référence client illisible : <script>alert("x")</script> & <@U0REP0001>`, 2 * d, 0}}},
		{number: "4500011666", customer: "C001241", ref: "PO-0600", cents: 18000, ordered: 45, requested: -38, status: invoiced, ago: 35 * d},
		{number: "4500012850", customer: "C001242", ref: "*PO*-_42_~", cents: 31500, ordered: 2, requested: 5, status: open},

		// Hôtel du Vieux Port: a kitchen being equipped.
		{number: "4500012900", customer: "C001243", ref: y("HVP-%d-031"), cents: 1840000, ordered: 15, requested: -5, promised: 20,
			blocks: []sampleBlock{{oos, "SKU 30021 manquant (four mixte 10 niveaux)", 12 * d, 20}},
			lines: []sampleLine{
				{"30021", "Four mixte 10 niveaux GN 1/1", 1, 0, 20},
				{"30140", "Bacs gastronormes GN 1/1 inox", 20, 20, 0},
				{"30155", "Échelle de four mobile", 1, 1, 0},
			}},
		{number: "4500012901", customer: "C001243", ref: y("HVP-%d-034"), cents: 265000, ordered: 3, requested: 1, promised: 2, status: picking, ago: 30 * h},
		{number: "4500011400", customer: "C001243", ref: y("HVP-%d-012"), cents: 743000, ordered: 70, requested: -60, promised: -58, status: invoiced, ago: 55 * d},

		// Brasserie de l'Étoile: credit and a delivery stop at once.
		{number: "4500012950", customer: "C001244", ref: "PO-5521", cents: 725000, ordered: 5, requested: 2, promised: 9,
			blocks: []sampleBlock{
				{credit, "limite de crédit atteinte (plafond 25 000 €)", 2 * d, 0},
				{delivery, "livraison suspendue à la demande du client (travaux en cuisine)", 22 * h, 7},
			}},
		{number: "4500012951", customer: "C001244", ref: "PO-5530", cents: 143000, ordered: 1, requested: 3, status: open, noADV: true},

		// Pâtisserie Guérin.
		{number: "4500013000", customer: "C001245", ref: "PO-118", cents: 54000, ordered: 2, requested: 2, status: open},
		{number: "4500013001", customer: "C001245", ref: "PO-121", cents: 132000, ordered: 8, requested: -1, promised: 6,
			blocks: []sampleBlock{{oos, "reliquat : 6 colis de chocolat de couverture en attente fournisseur", 4 * d, 6}},
			lines: []sampleLine{
				{"51207", "Chocolat de couverture 70 %, 5 kg", 10, 4, 6},
				{"51090", "Poudre d'amande blanche 1 kg", 15, 15, 0},
			}},

		// Fromagerie Lambert SAS.
		{number: "4500013050", customer: "C001246", ref: "FL-2231", cents: 418000, ordered: 20, requested: -12,
			blocks: []sampleBlock{{financial, "chèque impayé, relance niveau 2 sans réponse", 15 * d, 0}}},
		{number: "4500012010", customer: "C001246", ref: "FL-2188", cents: 276000, ordered: 40, requested: -33, promised: -33, status: invoiced, ago: 30 * d},
		{number: "4500012011", customer: "C001246", ref: "FL-2190", cents: 99000, ordered: 39, requested: -30, status: cancelled, ago: 37 * d},

		// Traiteur Côté Sud.
		{number: "4500013100", customer: "C001247", ref: "TCS/0912", cents: 980000, ordered: 4, requested: 1, promised: 1, status: picking, ago: 2 * h},
		{number: "4500013101", customer: "C001247", ref: "TCS/0915", cents: 214000, ordered: 3, requested: 4,
			blocks: []sampleBlock{{anomaly, "TVA intracommunautaire invalide", 30 * h, 0}}},
		{number: "4500013102", customer: "C001247", ref: "TCS/0917", cents: 675000, ordered: 6, requested: 2,
			blocks: []sampleBlock{
				{delivery, "créneau de livraison à confirmer", 4 * d, 0},
				{anomaly, "bon de commande non signé", 3 * d, 0},
			}},

		// Épicerie fine Saint-Honoré.
		{number: "4500013150", customer: "C001248", ref: "PO-77-AB", cents: 315000, ordered: 2, requested: 6, status: open},
		{number: "4500013151", customer: "C001248", ref: "PO-77-AC", cents: 890000, ordered: 11, requested: -1,
			blocks: []sampleBlock{{credit, "assurance-crédit refusée, paiement d'avance demandé", 8 * d, 0}}},

		// Restaurant Le Relais d'Alsace: the same missing SKU as Dupré.
		{number: "4500013200", customer: "C001249", ref: "RA-0456", cents: 47000, ordered: 7, requested: 0, promised: 5,
			blocks: []sampleBlock{{oos, "SKU 4711 manquant", 3 * d, 5}},
			lines:  []sampleLine{{"4711", "Farine de blé T65, sac 25 kg", 10, 0, 5}}},
		{number: "4500011870", customer: "C001249", ref: "RA-0431", cents: 356000, ordered: 30, requested: -24, promised: -24, status: invoiced, ago: 22 * d},
	}
}

// ordersC1250To1259 is the last part of portfolioOrders: the orders of
// customers C001250 to C001259, with no assistant, a lifted block, a public
// contract and Swiss francs. y formats a reference with the current year.
func ordersC1250To1259(y func(string) string) []sampleOrder {
	const h, d = time.Hour, 24 * time.Hour
	const (
		open      = orders.StatusOpen
		picking   = orders.StatusPicking
		oos       = orders.StatusOutOfStock
		anomaly   = orders.StatusAnomaly
		credit    = orders.StatusCreditLimit
		delivery  = orders.StatusDeliveryBlock
		financial = orders.StatusFinancialBlock
		invoiced  = orders.StatusInvoiced
		cancelled = orders.StatusCancelled
	)
	return []sampleOrder{
		// Cave Noël & Bérard: no assistant follows it.
		{number: "4500013250", customer: "C001250", ref: "CNB 1907", cents: 1180000, ordered: 16, requested: -8,
			blocks: []sampleBlock{{delivery, "adresse de livraison incomplète", 12 * d, 0}}},

		// Crêperie Ty Breizh.
		{number: "4500013300", customer: "C001251", ref: "", cents: 62000, ordered: 1, requested: 4, status: open, noADV: true},
		{number: "4500012120", customer: "C001251", ref: "", cents: 81000, ordered: 26, requested: -20, promised: -20, status: invoiced, ago: 19 * d},

		// Les Halles de Nîmes: a credit hold lifted, and a double block.
		{number: "4500013350", customer: "C001252", ref: "HN-3340", cents: 1420000, ordered: 9, requested: 1, promised: 2, status: picking, ago: 20 * h,
			lifted: &sampleBlock{credit, "encours dépassé de 3 200 €", 4 * d, 0}},
		{number: "4500013351", customer: "C001252", ref: "HN-3352", cents: 560000, ordered: 8, requested: 0, promised: 10,
			blocks: []sampleBlock{
				{oos, "SKU 60110 manquant", 5 * d, 9},
				{credit, "encours dépassé de 4 750 €", 26 * h, 0},
			},
			lines: []sampleLine{{"60110", "Trancheuse à jambon 300 mm", 1, 0, 9}}},

		// Cuisine Centrale de Besançon: a public contract.
		{number: "4500013400", customer: "C001253", ref: y("Marché public %d-14 / BC 311"), cents: 7840000, ordered: 5, requested: 20, promised: 25, status: open},
		{number: "4500013401", customer: "C001253", ref: y("Marché public %d-14 / BC 298"), cents: 1265000, ordered: 41, requested: -30,
			blocks: []sampleBlock{{financial, y("litige facture F-%d-0388 (écart de prix)"), 39*d + 4*h, 0}}},

		// Zürcher Gastro AG, in Swiss francs.
		{number: "SO-001400", customer: "C001254", ref: "Bestellung 4471-Z", cents: 1290000, ordered: 6, requested: 3, promised: 4, status: picking, ago: 28 * h},
		{number: "SO-001401", customer: "C001254", ref: "Bestellung 4480-Z", cents: 432000, ordered: 4, requested: 10,
			blocks: []sampleBlock{{anomaly, "certificat d'origine manquant pour l'export", 3 * d, 0}}},

		// Maison Peña-Ruiz.
		{number: "SO-001450", customer: "C001255", ref: "MPR-19", cents: 248000, ordered: 3, requested: 9, status: open},

		// L'Atelier Gourmand.
		{number: "4500013500", customer: "C001256", ref: "AG-2231", cents: 389000, ordered: 13, requested: -3,
			blocks: []sampleBlock{{oos, "rupture batteur-mélangeur 20 L, date de réappro inconnue", 10 * d, 0}},
			lines:  []sampleLine{{"71020", "Batteur-mélangeur 20 L", 1, 0, 0}}},
		{number: "4500013501", customer: "C001256", ref: "AG-2031", cents: 5000, ordered: 12, requested: -5, status: cancelled, ago: 11 * d},

		// Auberge du Lac d'Annecy.
		{number: "4500013550", customer: "C001257", ref: "ALA-88", cents: 218000, ordered: 2, requested: 3,
			blocks: []sampleBlock{{credit, "encours dépassé de 2 180 €", 20 * h, 0}}},
		{number: "4500012230", customer: "C001257", ref: "ALA-81", cents: 492000, ordered: 24, requested: -17, promised: -16, status: invoiced, ago: 15 * d},

		// Genève Hôtellerie SA, in Swiss francs.
		{number: "SO-001500", customer: "C001258", ref: y("PO GH-%d-07"), cents: 6400000, ordered: 10, requested: 15, promised: 18, status: open},
		{number: "SO-001501", customer: "C001258", ref: y("PO GH-%d-09"), cents: 915000, ordered: 7, requested: 5,
			blocks: []sampleBlock{{delivery, "documents douaniers à compléter avant expédition", 5 * d, 3}}},

		// Collège Jean-Moulin.
		{number: "4500013600", customer: "C001259", ref: y("EPLE %d-22"), cents: 1830000, ordered: 4, requested: 14, status: open, noADV: true},
		{number: "4500012300", customer: "C001259", ref: y("EPLE %d-17"), cents: 604000, ordered: 38, requested: -30, promised: -29, status: invoiced, ago: 28 * d},
	}
}

// build turns the description into an order with its history. i spreads the
// entry times of orders entered the same day.
func (s sampleOrder) build(now time.Time, i int, c sampleCustomer, people []orders.Person) orders.TrackedOrder {
	day := func(n int) *time.Time {
		if n == 0 {
			return nil
		}
		return dateOf(now.AddDate(0, 0, n))
	}
	orderedAt := now.Add(-time.Duration(s.ordered)*24*time.Hour - 2*time.Hour - time.Duration(i%6)*37*time.Minute)
	o := orders.Order{
		Number:      s.number,
		Customer:    orders.Customer{Code: c.code, Name: c.name},
		CustomerRef: s.ref,
		AmountCents: s.cents,
		Currency:    c.currency,
		OrderedOn:   dateOf(orderedAt),
		RequestedOn: day(s.requested),
		PromisedOn:  day(s.promised),
	}
	if o.Currency == "" {
		o.Currency = "EUR"
	}
	rep := people[c.rep]
	o.Rep = &rep
	if c.adv != noAssistant && !s.noADV {
		adv := people[c.adv]
		o.Assistant = &adv
	}
	for n, l := range s.lines {
		o.Lines = append(o.Lines, orders.Line{Number: 10 * (n + 1), Item: l.item, Description: l.description,
			Quantity: l.ordered, Available: l.available, RestockOn: day(l.restock)})
	}

	history := []orders.StatusChange{{To: orders.StatusOpen, Reason: "commande saisie", At: orderedAt, Source: portfolioSource}}
	change := func(to orders.Status, reason string, at time.Time) {
		history = append(history, orders.StatusChange{From: history[len(history)-1].To, To: to,
			Reason: reason, At: at, Source: portfolioSource})
	}
	if s.lifted != nil {
		change(s.lifted.kind, s.lifted.reason, now.Add(-s.lifted.ago))
	}
	switch {
	case len(s.blocks) > 0:
		for _, b := range s.blocks {
			o.Blocks = append(o.Blocks, orders.Block{Kind: b.kind, Reason: b.reason,
				Since: now.Add(-b.ago), ExpectedRelease: day(b.release)})
		}
		// Replay the blocks in the order they came: the status changes only
		// when a more urgent block arrives.
		arrived := slices.Clone(o.Blocks)
		slices.SortFunc(arrived, func(a, b orders.Block) int { return a.Since.Compare(b.Since) })
		prio := orders.DefaultPriority()
		for n := range arrived {
			if st := prio.StatusOf(arrived[:n+1], orders.StatusOpen); st != history[len(history)-1].To {
				change(st, arrived[n].Reason, arrived[n].Since)
			}
		}
		o.Status = prio.StatusOf(o.Blocks, orders.StatusOpen)
		for _, b := range o.Blocks {
			if b.Kind == o.Status {
				o.BlockReason, o.ExpectedRelease = b.Reason, b.ExpectedRelease
			}
		}
	case s.status == orders.StatusPicking:
		reason := "préparation lancée"
		if s.lifted != nil {
			reason = "blocage levé, préparation lancée"
		}
		change(orders.StatusPicking, reason, now.Add(-s.ago))
	case s.status == orders.StatusInvoiced:
		closed := now.Add(-s.ago)
		change(orders.StatusPicking, "préparation lancée", orderedAt.Add(closed.Sub(orderedAt)/2).Truncate(time.Second))
		change(orders.StatusInvoiced, fmt.Sprintf("facture F-%d-%04d", closed.Year(), 100+i*7), closed)
		o.ClosedAt = &closed
	case s.status == orders.StatusCancelled:
		closed := now.Add(-s.ago)
		change(orders.StatusCancelled, "annulée à la demande du client", closed)
		o.ClosedAt = &closed
	case s.status == orders.StatusOpen && s.lifted != nil:
		change(orders.StatusOpen, "blocage levé", now.Add(-s.ago))
	}
	last := history[len(history)-1]
	o.Status, o.StatusSince = last.To, last.At
	o.UpdatedAt = o.StatusSince
	for _, b := range o.Blocks {
		if b.Since.After(o.UpdatedAt) {
			o.UpdatedAt = b.Since
		}
	}
	return orders.TrackedOrder{Order: o, History: history}
}

// dateOf returns the calendar day of t (in t's location) as midnight UTC, the
// way a date column reads back.
func dateOf(t time.Time) *time.Time {
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &day
}
