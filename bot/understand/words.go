package understand

import (
	"strings"

	"github.com/orderbot/orderbot/orders"
)

// The words below are folded (see Fold): lower case, no accents. They are
// the vocabulary of sales people writing in chat, in French and English,
// with the abbreviations they use.

// set is a set of folded words.
type set map[string]bool

func words(s string) set {
	out := set{}
	for _, w := range strings.Fields(s) {
		out[w] = true
	}
	return out
}

var (
	// orderWords name an order.
	orderWords = words(`commande commandes cde cdes cmd cmde cmds cmdes command order orders ordre
		n no num numero number nr nro`)
	// portfolioWords name a set of orders a person follows.
	portfolioWords = words(`commandes cdes cmds cmdes orders portefeuille portfolio backlog book
		carnet dossiers affaires encours`)
	// mineWords make the asker the owner.
	mineWords = words(`mes mon ma my moi mine perso personnel`)
	// refWords introduce the customer's own reference.
	refWords = words(`po bc ref refs reference references purchase`)
	// customerWords introduce a customer.
	customerWords = words(`client clients customer customers cust cli compte account`)
	// customerPrepositions introduce a customer's name after an order word.
	customerPrepositions = words(`de du des chez pour for of from at with avec d`)
	// statusWords ask where something stands.
	statusWords = words(`ou where status statut etat state news nouvelles update updates point quoi neuf
		infos info eta suivi track tracking progress avance livre livree livrees livres expedie expediee
		expediees expedies parti partie partis parties shipped delivered dispatched arrive arrivee
		sortie sorti`)
	// blockedStems start the words that say "blocked".
	blockedStems = []string{"bloq", "block", "coinc", "stuck", "bloc"}
	// thanksWords end a conversation.
	thanksWords = words(`merci mercii merciii mrc thanks thank thx thks tks tyvm tx cimer merki cheers`)
	// thanksFillers go with thanks.
	thanksFillers = words(`beaucoup bcp much lot a you u so very bien recu noted parfait top super cool
		nickel great perfect ok okay oki ca marche genial excellent impec impeccable bonne journee
		have nice day et encore again infiniment mille fois vm tres c est note noted ca roger that`)
	// greetings open a conversation.
	greetings = words(`bonjour bonsoir salut hello hi hey coucou yo hola slt bjr good morning afternoon
		evening re orderbot bot`)
	// politeness is what people add to a request.
	politeness = words(`stp svp pls plz please merci thanks thx sil s il te vous plait plais`)
	// helpWords ask what the bot does.
	helpWords = words(`aide help aidez aider`)
	// helpPhrases ask what the bot does, in a sentence.
	helpPhrases = []string{
		"comment ca marche", "comment ca fonctionne", "comment tu marches", "comment t utiliser",
		"comment utiliser", "comment je fais", "comment on fait", "tu sais faire quoi", "que sais tu faire",
		"qu est ce que tu sais faire", "tu peux faire quoi", "que peux tu faire", "qu est ce que tu peux faire",
		"tu sers a quoi", "a quoi tu sers", "mode d emploi", "what can you do", "what do you do",
		"how does this work", "how does it work", "how do i use", "how to use", "what can i ask",
		"que puis je demander", "qu est ce que je peux demander", "commandes disponibles", "available commands",
		"who are you", "qui es tu", "t es qui", "what are you", "usage", "menu", "commands", "options",
		"what s this bot", "c est quoi ce bot", "you there", "t es la", "tu es la", "any help",
	}
	// outOfScope are subjects orderbot does not handle: with no order
	// number and no word of blocks in the message, they mean the question
	// is not for it.
	outOfScope = words(`meteo weather dejeuner dejeuner dej lunch diner dinner cantine
		conges conge vacances holiday holidays vacation frais expense expenses ndf mdp password
		wifi imprimante printer blague joke reunion meeting visio chiffre revenue objectif objectifs
		target quota prime bonus salaire salary prix tarif tarifs price pricing devis quote quotation
		remise discount pdf facture factures invoice invoices duplicata catalogue catalog promo promos
		commission commissions parking coffee mange manger midi biere beer foot anniversaire birthday`)
	// actions are what orderbot cannot do: it reads the portfolio, it
	// does not change it.
	actions = words(`creer cree create creation saisir saisis modifier modifie modify change changer
		annuler annule cancel supprimer supprime delete envoyer envoie envoyes send ajouter ajoute add
		augmenter augmente baisser baisse relever releve mettre passer rajouter corriger corrige fix edit bloquer debloquer debloque unblock release`)
	// pronouns and question words: a bare name holds none of them.
	sentenceWords = words(`je j tu il elle on nous vous ils elles i you he she we they it est sont suis es
		is are am was were do does did can could would will quel quelle quels quelles what which
		who qui quoi why pourquoi comment how when quand combien much many fait faire faut veux
		voudrais want need peux pourrais`)
)

// reasonWords name a kind of block. strong words say it alone; weak ones
// ("crédit", "livraison") only next to a word that says "blocked", since
// "la livraison de mardi" is not a delivery block.
type reasonWord struct {
	kind   orders.Status
	strong bool
}

var reasonPhrases = map[string]reasonWord{
	"rupture": {orders.StatusOutOfStock, true}, "ruptures": {orders.StatusOutOfStock, true},
	"reliquat": {orders.StatusOutOfStock, true}, "reliquats": {orders.StatusOutOfStock, true},
	"backorder": {orders.StatusOutOfStock, true}, "backorders": {orders.StatusOutOfStock, true},
	"backordered": {orders.StatusOutOfStock, true}, "out of stock": {orders.StatusOutOfStock, true},
	"oos": {orders.StatusOutOfStock, true}, "manque de stock": {orders.StatusOutOfStock, true},
	"pas de stock": {orders.StatusOutOfStock, true}, "no stock": {orders.StatusOutOfStock, true},
	"stockout": {orders.StatusOutOfStock, true}, "stockouts": {orders.StatusOutOfStock, true},
	"stock": {orders.StatusOutOfStock, false}, "stocks": {orders.StatusOutOfStock, false},
	"manquant": {orders.StatusOutOfStock, false}, "manquants": {orders.StatusOutOfStock, false},

	"anomalie": {orders.StatusAnomaly, true}, "anomalies": {orders.StatusAnomaly, true},
	"anomaly": {orders.StatusAnomaly, true}, "anomalys": {orders.StatusAnomaly, true},
	"anomalie s": {orders.StatusAnomaly, true}, "anos": {orders.StatusAnomaly, true}, "ano": {orders.StatusAnomaly, true},
	"incomplete": {orders.StatusAnomaly, true}, "incompletes": {orders.StatusAnomaly, true},
	"incomplet": {orders.StatusAnomaly, true}, "incomplets": {orders.StatusAnomaly, true},
	"donnees manquantes": {orders.StatusAnomaly, true}, "missing data": {orders.StatusAnomaly, true},
	"missing info": {orders.StatusAnomaly, true}, "missing information": {orders.StatusAnomaly, true},
	"infos manquantes": {orders.StatusAnomaly, true}, "erreur": {orders.StatusAnomaly, false},
	"erreurs": {orders.StatusAnomaly, false}, "errors": {orders.StatusAnomaly, false},

	"encours": {orders.StatusCreditLimit, true}, "en cours depasse": {orders.StatusCreditLimit, true},
	"limite de credit": {orders.StatusCreditLimit, true}, "credit limit": {orders.StatusCreditLimit, true},
	"credit hold": {orders.StatusCreditLimit, true}, "credit holds": {orders.StatusCreditLimit, true},
	"plafond": {orders.StatusCreditLimit, true}, "over limit": {orders.StatusCreditLimit, true},
	"credit": {orders.StatusCreditLimit, false}, "credits": {orders.StatusCreditLimit, false},

	"blocage livraison": {orders.StatusDeliveryBlock, true}, "blocages livraison": {orders.StatusDeliveryBlock, true},
	"delivery block": {orders.StatusDeliveryBlock, true}, "delivery blocks": {orders.StatusDeliveryBlock, true},
	"adresse de livraison": {orders.StatusDeliveryBlock, true}, "delivery address": {orders.StatusDeliveryBlock, true},
	"livraison": {orders.StatusDeliveryBlock, false}, "livraisons": {orders.StatusDeliveryBlock, false},
	"delivery": {orders.StatusDeliveryBlock, false}, "deliveries": {orders.StatusDeliveryBlock, false},
	"adresse": {orders.StatusDeliveryBlock, false}, "address": {orders.StatusDeliveryBlock, false},
	"logistique": {orders.StatusDeliveryBlock, false}, "shipping": {orders.StatusDeliveryBlock, false},

	"blocage financier": {orders.StatusFinancialBlock, true}, "blocages financiers": {orders.StatusFinancialBlock, true},
	"financial block": {orders.StatusFinancialBlock, true}, "financial blocks": {orders.StatusFinancialBlock, true},
	"impaye": {orders.StatusFinancialBlock, true}, "impayes": {orders.StatusFinancialBlock, true},
	"impayee": {orders.StatusFinancialBlock, true}, "impayees": {orders.StatusFinancialBlock, true},
	"litige": {orders.StatusFinancialBlock, true}, "litiges": {orders.StatusFinancialBlock, true},
	"overdue": {orders.StatusFinancialBlock, true}, "unpaid": {orders.StatusFinancialBlock, true},
	"dispute": {orders.StatusFinancialBlock, true}, "disputes": {orders.StatusFinancialBlock, true},
	"disputed": {orders.StatusFinancialBlock, true}, "retard de paiement": {orders.StatusFinancialBlock, true},
	"financier": {orders.StatusFinancialBlock, false}, "financiers": {orders.StatusFinancialBlock, false},
	"financiere": {orders.StatusFinancialBlock, false}, "financieres": {orders.StatusFinancialBlock, false},
	"financial": {orders.StatusFinancialBlock, false}, "finance": {orders.StatusFinancialBlock, false},
	"paiement": {orders.StatusFinancialBlock, false}, "payment": {orders.StatusFinancialBlock, false},

	// The details ERPs write in a block's reason, as people quote them.
	"reference client manquante": {orders.StatusAnomaly, true}, "ref client manquante": {orders.StatusAnomaly, true},
	"reference client": {orders.StatusAnomaly, false}, "ref client": {orders.StatusAnomaly, false},
	"missing customer ref": {orders.StatusAnomaly, true}, "missing customer reference": {orders.StatusAnomaly, true},
	"customer ref missing": {orders.StatusAnomaly, true}, "missing po": {orders.StatusAnomaly, true},
	"po missing": {orders.StatusAnomaly, true}, "rib manquant": {orders.StatusAnomaly, true},
	"tva intracom": {orders.StatusAnomaly, true}, "tva intracommunautaire": {orders.StatusAnomaly, true},
	"tva invalide": {orders.StatusAnomaly, true}, "invalid vat": {orders.StatusAnomaly, true},
	"vat number": {orders.StatusAnomaly, false}, "code article inconnu": {orders.StatusAnomaly, true},
	"code article": {orders.StatusAnomaly, false}, "unknown item": {orders.StatusAnomaly, true},
	"bon de commande non signe": {orders.StatusAnomaly, true}, "non signe": {orders.StatusAnomaly, true},
	"unsigned": {orders.StatusAnomaly, true}, "prix incoherent": {orders.StatusAnomaly, true},
	"prix unitaire": {orders.StatusAnomaly, false}, "price mismatch": {orders.StatusAnomaly, true},
	"conditions de paiement": {orders.StatusAnomaly, true}, "payment terms": {orders.StatusAnomaly, true},
	"adresse de facturation": {orders.StatusAnomaly, true}, "billing address": {orders.StatusAnomaly, true},
	"commande client manquant": {orders.StatusAnomaly, true},

	"encours depasse": {orders.StatusCreditLimit, true}, "encours depasses": {orders.StatusCreditLimit, true},
	"depassement d encours": {orders.StatusCreditLimit, true}, "depassement encours": {orders.StatusCreditLimit, true},
	"limite de credit atteinte": {orders.StatusCreditLimit, true}, "credit limit exceeded": {orders.StatusCreditLimit, true},
	"over credit limit": {orders.StatusCreditLimit, true}, "assurance credit": {orders.StatusCreditLimit, true},
	"credit insurance": {orders.StatusCreditLimit, true},

	"factures echues": {orders.StatusFinancialBlock, true}, "facture echue": {orders.StatusFinancialBlock, true},
	"echues": {orders.StatusFinancialBlock, true}, "echue": {orders.StatusFinancialBlock, true},
	"echeance depassee": {orders.StatusFinancialBlock, true}, "past due": {orders.StatusFinancialBlock, true},
	"overdue invoices": {orders.StatusFinancialBlock, true}, "cheque impaye": {orders.StatusFinancialBlock, true},
	"bounced cheque": {orders.StatusFinancialBlock, true}, "bounced check": {orders.StatusFinancialBlock, true},
	"relances sans reponse": {orders.StatusFinancialBlock, true}, "relance sans reponse": {orders.StatusFinancialBlock, true},
	"litige facture": {orders.StatusFinancialBlock, true}, "relance": {orders.StatusFinancialBlock, false},
	"relances": {orders.StatusFinancialBlock, false},

	"adresse incomplete": {orders.StatusDeliveryBlock, true}, "adresse de livraison incomplete": {orders.StatusDeliveryBlock, true},
	"incomplete address": {orders.StatusDeliveryBlock, true}, "incomplete delivery address": {orders.StatusDeliveryBlock, true},
	"creneau de livraison": {orders.StatusDeliveryBlock, true}, "delivery slot": {orders.StatusDeliveryBlock, true},
	"quai ferme": {orders.StatusDeliveryBlock, true}, "dock closed": {orders.StatusDeliveryBlock, true},
	"documents douaniers": {orders.StatusDeliveryBlock, true}, "customs documents": {orders.StatusDeliveryBlock, true},
	"customs docs": {orders.StatusDeliveryBlock, true}, "douane": {orders.StatusDeliveryBlock, false},
	"customs": {orders.StatusDeliveryBlock, false}, "transporteur": {orders.StatusDeliveryBlock, false},
	"carrier": {orders.StatusDeliveryBlock, false}, "quai": {orders.StatusDeliveryBlock, false},
	"creneau": {orders.StatusDeliveryBlock, false},

	"attente fournisseur": {orders.StatusOutOfStock, true}, "rupture fournisseur": {orders.StatusOutOfStock, true},
	"sku manquant": {orders.StatusOutOfStock, true}, "awaiting stock": {orders.StatusOutOfStock, true},
	"waiting on stock": {orders.StatusOutOfStock, true}, "waiting for stock": {orders.StatusOutOfStock, true},
	"attente de stock":    {orders.StatusOutOfStock, true},
	"livraison suspendue": {orders.StatusDeliveryBlock, true}, "livraisons suspendues": {orders.StatusDeliveryBlock, true},
	"suspendue": {orders.StatusDeliveryBlock, false}, "suspendues": {orders.StatusDeliveryBlock, false},
	"transporteur a affreter": {orders.StatusDeliveryBlock, true}, "affreter": {orders.StatusDeliveryBlock, true},
	"carrier to book": {orders.StatusDeliveryBlock, true}, "unit price mismatch": {orders.StatusAnomaly, true},
	"awaiting stock from supplier": {orders.StatusOutOfStock, true}, "stock from supplier": {orders.StatusOutOfStock, true},
}

// reasonPhraseMax is the most words a reason phrase has.
const reasonPhraseMax = 5

// fillers are words around a customer's name that are not part of it:
// question words, articles, prepositions, verbs of the questions people
// ask about orders.
var fillers = words(`ou en est on et la le les l de du des d un une a au aux pour chez avec sur dans
	est ce que qu qui quoi il y a t elle sont ont avons avez peux peut pouvez pourrais pourriez
	tu me m moi te vous nous dire donner donne montrer montre voir vois afficher affiche liste lister
	check checker verifier regarder regarde trouver trouve cherche chercher savoir sais sait savez connaitre
	toutes tous tout toute les mes leurs leur ses son ces cet cette ce quel quelle quels quelles
	the a an of for on in at to from with by about any anything some all my me i can could you
	please show give get tell list find check see look what whats s is are there do does have has
	open ouvert ouverts ouverte ouvertes en cours current pending attente waiting outstanding
	where status statut etat state news nouvelles update updates point neuf infos info eta suivi
	track tracking progress avance whats up with on
	commande commandes cde cdes cmd cmde cmds cmdes order orders portefeuille portfolio backlog
	client clients customer customers cust compte account
	stp svp pls plz please merci thanks thx sil plait
	bonjour bonsoir salut hello hi hey coucou yo slt bjr
	bloque bloquee bloquees bloques blocked block blocks blocage blocages coince coincee coincees
	coinces stuck hold held probleme problemes souci soucis issue issues
	encore toujours still already deja now maintenant aujourd hui today svp
	rien nothing ya t as avoir aurait auriez ai j pas encore livre livree livrees livres side
	moment actuellement currently right now en ce depasse depasses depassement exceeded flagged
	invoice invoices facture factures qqn quelqu quelqun tjrs dsl desole sorry urgent urgence asap
	vite rapidement svp depuis since hier yesterday demain tomorrow semaine week matin morning dernier
	derniere last lundi mardi mercredi jeudi vendredi monday tuesday wednesday thursday friday
	ca and or par by plus moins over under than across stuff things thing trucs truc choses chose
	celle celles ceux celui one ones them those these concerne concernent concerned concerns
	suivie suivies suivi suivis handled followed managed owned tte toute
	mois month months annee year years jour day days eur euro euros usd dollar dollars gbp chf ht ttc keur
	request requests demande demandes every
	janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
	january february march april june july august september october november december`)

// Words of scopes, people and follow-ups.
var (
	// teamWords name the asker's team.
	teamWords = words(`equipe equipes team teams squad nos notre our we`)
	// allWords name everything the asker may see.
	allWords = words(`toutes tous toute tte ttes tts all every everyone everybody everything ensemble global globalement
		company companywide`)
	// roleWords name a person by their role: the rep ("commercial") or
	// the assistant ("ADV").
	roleWords = map[string]orders.Role{
		"commercial": orders.RoleRep, "commerciale": orders.RoleRep, "commerciaux": orders.RoleRep,
		"commerciales": orders.RoleRep, "rep": orders.RoleRep, "reps": orders.RoleRep, "vendeur": orders.RoleRep,
		"vendeuse": orders.RoleRep, "kam": orders.RoleRep, "salesman": orders.RoleRep, "saleswoman": orders.RoleRep,
		"assistant": orders.RoleAssistant, "assistante": orders.RoleAssistant, "assistants": orders.RoleAssistant,
		"assistantes": orders.RoleAssistant, "adv": orders.RoleAssistant,
	}
	// personCues introduce a person's portfolio: "suivies par Claire",
	// "handled by Tom".
	personCues = words(`par by`)
	// personCueVerbs go before personCues.
	personCueVerbs = words(`suivie suivies suivi suivis geree gerees gere geres handled followed managed owned
		run looked`)
	// personalWords are portfolios, which belong to people, not customers:
	// "le portefeuille de Marc", "Sarah's portfolio".
	personalWords = words(`portefeuille portfolio book`)
	// suffixWords end a company's name after "et" or "and": "Blondel père
	// et fils", "Johnson and Sons".
	suffixWords = words(`fils filles fille sons son cie co compagnie company associes associe partners freres
		soeurs brothers sisters`)
	// nextWords ask for the next item: "et la suivante ?".
	nextWords = words(`suivante suivant suivantes suivants prochaine prochain next`)
	// againWords open a follow-up: "et pour Bon app ?", "also Island
	// Trading?", "idem pour QUICK-Stop".
	againWords = words(`et and also aussi idem pareil same ditto`)
	// againPhrases open a follow-up in two words, folded.
	againPhrases = []string{"what about", "how about", "wht about", "wat about", "what abt", "how bout",
		"what of", "and what about", "same for", "same with", "same thing for", "pareil pour", "idem pour",
		"et pour", "et chez", "et pour l", "and for", "and at", "also for"}
	// anaphora point back to the previous answer: "any of them blocked?".
	anaphora = []string{"of them", "of those", "d entre elles", "d entre eux", "parmi elles", "parmi eux",
		"those ones", "celles ci", "ceux ci", "les memes", "the same ones"}
	// requestWords ask the bot to do something: before an action, they
	// make a message a request orderbot cannot fulfil.
	requestWords = words(`peux peut pouvez pourrais pourriez can could would please pls plz stp svp merci faut
		veux voudrais want need`)
)

// generalWord reports whether w is a word of every question about orders
// ("commandes", "client", "bloquées"): such words alone never name a
// block reason, even when a reason of the portfolio holds them.
func generalWord(w string) bool {
	return orderWords[w] || customerWords[w] || isBlockedWord(w) || mineWords[w] || statusWords[w] ||
		teamWords[w] || allWords[w] || w == "commande" || w == "order"
}

// keywords are the words whose typing mistakes orderbot forgives
// ("comandes", "blokced", "stauts"): a word one letter away from one of
// them, and from no other, is read as it. Short words are not among them:
// one letter away from a short word is another word.
var keywords = words(`commande commandes order orders bloquee bloquees bloque bloques blocked block
	status statut anything anyone check customer customers client clients delivered shipped
	livree livrees livraison delivery update please backorder backorders anomalie anomalies rupture ruptures
	litige litiges dispute disputes overdue credit limit exceeded missing equipe portfolio portefeuille
	suivante thanks merci bonjour hello whats waiting awaiting invoices factures`)

// typoIndex maps each keyword with one letter deleted to the keyword; a
// deletion shared by two keywords maps to "". The first letter is never
// the one deleted: people do not miss it, and words differ by it
// ("lock", "block").
var typoIndex = func() map[string]string {
	m := map[string]string{}
	add := func(k, w string) {
		if old, ok := m[k]; ok && old != w {
			m[k] = ""
			return
		}
		m[k] = w
	}
	for w := range keywords {
		for _, d := range deletions(w)[1:] {
			add(d, w)
		}
	}
	return m
}()

// correct returns w, folded, or the keyword it mistypes.
func correct(w string) string {
	if len(w) < 4 || keywords[w] || fillers[w] || isKnownWord(w) {
		return w
	}
	if k := typoIndex[w]; k != "" {
		return k // a letter left out: "comandes"
	}
	if len(w) < 5 {
		return w
	}
	found := ""
	dels := deletions(w)
	// Neither the first letter nor the last: "limite" is no mistyped
	// "limit", nor "orders" a mistyped "order".
	for _, d := range dels[1 : len(dels)-1] {
		k, ok := typoIndex[d]
		if !ok && keywords[d] {
			k, ok = d, true // a letter too many: "ordders"
		}
		if !ok || k == "" {
			continue
		}
		if found != "" && found != k {
			return w
		}
		found = k
	}
	if found != "" {
		return found
	}
	return w
}

// isKnownWord reports whether w is a word orderbot reads as it is.
func isKnownWord(w string) bool {
	if orderWords[w] || statusWords[w] || customerWords[w] || portfolioWords[w] || mineWords[w] ||
		thanksWords[w] || greetings[w] || politeness[w] || helpWords[w] || sentenceWords[w] ||
		outOfScope[w] || actions[w] || teamWords[w] || allWords[w] || nameInside[w] || legalForms[w] {
		return true
	}
	_, ok := reasonPhrases[w]
	return ok
}
