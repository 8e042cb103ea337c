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
	blockedStems = []string{"bloq", "block", "coinc", "stuck", "hold", "held", "bloc"}
	// thanksWords end a conversation.
	thanksWords = words(`merci mercii merciii mrc thanks thank thx thks tks tyvm tx cimer merki`)
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
}

// reasonPhraseMax is the most words a reason phrase has.
const reasonPhraseMax = 3

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
	derniere last lundi mardi mercredi jeudi vendredi monday tuesday wednesday thursday friday`)
