package bot

import (
	"strings"
	"unicode"

	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// Whose orders a question asks for. A message says it (Question.Scope):
// the asker's own, their team's, everything they may see, one person's;
// without it, a customer's orders are all those the asker may see, and a
// portfolio or a kind of block is the asker's own. The directory has no
// teams, so a team is read from who follows whose orders:
//
//   - a manager's team is everyone;
//   - an assistant's team is the reps whose open orders they follow (and
//     the orders they follow themselves);
//   - a rep's team is the reps who share an assistant with them: the reps
//     whose open orders are followed by an assistant of their own open
//     orders, and themselves.
//
// The access setting still applies: with bot.access own, a rep or an
// assistant who asks for more than their own portfolio (the team's,
// everything, someone else's) gets what of it is in their own portfolio,
// and the answer says so; another rep's portfolio is then empty, its
// count included.

// whose is whose orders a question asks for, resolved.
type whose struct {
	filter orders.OrderFilter // RepID, AssistantID, AnyRepID, AnyAssistantID
	// none says no order can be both in the asked portfolio and in the
	// asker's (another rep's, for a rep who sees only their own): the list
	// is empty without asking the store, which would tell how many.
	none                 bool
	mine, everyone, team bool
	person               orders.Person
	ownOnly              bool
	// narrowed says the message narrows a customer's orders to a
	// portfolio: "mes cdes chez Bon app".
	narrowed bool
	// named is the person the message names, the asker included.
	named orders.Person
}

// subject returns the Subject of a list of w's orders.
func (w whose) subject() Subject {
	return Subject{Mine: w.mine, Everyone: w.everyone, Team: w.team, Person: w.person, OwnOnly: w.ownOnly}
}

// whose resolves the question's scope, once per turn. answered is true
// when the turn answered instead: which of several people, or nobody of
// that name.
func (t *turn) whose() (w whose, answered bool, err error) {
	if t.resolved != nil {
		return *t.resolved, false, nil
	}
	q := t.ans.Question
	restricted, own := t.restricted(), t.own()
	manager := t.person.Role == orders.RoleManager
	mine := whose{filter: own, mine: true, everyone: manager}
	switch q.Scope {
	case understand.ScopeMine:
		w = mine
		w.narrowed = !manager
	case understand.ScopeAll:
		w = whose{everyone: true}
		if restricted {
			w = whose{filter: own, mine: true, ownOnly: true, narrowed: true}
		}
	case understand.ScopeTeam:
		switch {
		case manager:
			w = whose{team: true}
		case restricted:
			w = whose{filter: own, mine: true, ownOnly: true, narrowed: true}
		default:
			f, err := t.team()
			if err != nil {
				return w, false, err
			}
			w = whose{filter: f, team: true, narrowed: true}
		}
	case understand.ScopePerson:
		p, found, err := t.personOf(q)
		if err != nil || !found {
			return w, !found, err
		}
		w = t.portfolioOf(p)
		if q.Person != "" {
			w.named = p
		}
	default:
		w = mine
		switch q.Intent {
		case understand.Customer:
			// A customer's orders: all the asker may see.
			w = whose{filter: t.scope(), mine: restricted}
		case understand.Item:
			// Who waits for an item: all the asker may see.
			w = whose{filter: t.scope(), mine: restricted, everyone: !restricted}
		}
	}
	t.resolved = &w
	return w, false, nil
}

// team returns the filter of the asker's team (see above).
func (t *turn) team() (orders.OrderFilter, error) {
	me := t.person.ID
	switch t.person.Role {
	case orders.RoleRep:
		reps := []int64{me}
		assistants, err := t.peopleOf(orders.OrderFilter{RepID: me}, orders.RoleAssistant)
		if err != nil || len(assistants) == 0 {
			return orders.OrderFilter{AnyRepID: reps}, err
		}
		ids := make([]int64, len(assistants))
		for i, p := range assistants {
			ids[i] = p.ID
		}
		mates, err := t.peopleOf(orders.OrderFilter{AnyAssistantID: ids}, orders.RoleRep)
		for _, p := range mates {
			if p.ID != me {
				reps = append(reps, p.ID)
			}
		}
		return orders.OrderFilter{AnyRepID: reps}, err
	case orders.RoleAssistant:
		reps, err := t.peopleOf(orders.OrderFilter{AssistantID: me}, orders.RoleRep)
		f := orders.OrderFilter{AnyAssistantID: []int64{me}}
		for _, p := range reps {
			f.AnyRepID = append(f.AnyRepID, p.ID)
		}
		return f, err
	}
	return orders.OrderFilter{}, nil
}

// peopleOf returns the people of role among those of the open orders f
// selects.
func (t *turn) peopleOf(f orders.OrderFilter, role orders.Role) ([]orders.Person, error) {
	all, err := t.store.OpenOrderPeople(t.ctx, f)
	var out []orders.Person
	for _, p := range all {
		if p.Role == role {
			out = append(out, p)
		}
	}
	return out, err
}

// maxPeople is how many people are offered to choose from.
const maxPeople = 5

// personOf finds the person q names (Person, or the asker's own rep or
// assistant by PersonRole). When there is none or several, found is
// false and the turn answered: nobody of that name, or which one.
func (t *turn) personOf(q understand.Question) (orders.Person, bool, error) {
	if strings.TrimSpace(q.Person) == "" {
		return t.relation(q.PersonRole)
	}
	ps, err := t.store.PeopleNamed(t.ctx, q.Person, 2*maxPeople)
	if err != nil {
		return orders.Person{}, false, err
	}
	if q.PersonRole != "" {
		// "le commercial Dubois": the rep, when an assistant has the name too.
		var ofRole []orders.Person
		for _, p := range ps {
			if p.Role == q.PersonRole {
				ofRole = append(ofRole, p)
			}
		}
		if len(ofRole) > 0 {
			ps = ofRole
		}
	}
	switch {
	case len(ps) == 0:
		t.ans.Kind, t.ans.Subject = NotFound, Subject{What: "person", Query: q.Person}
		return orders.Person{}, false, t.freshness()
	case len(ps) == 1 || understand.Fold(ps[0].Name) == understand.Fold(q.Person) && understand.Fold(ps[1].Name) != understand.Fold(q.Person):
		return ps[0], true, nil
	}
	t.choosePerson(ps, Subject{What: "person", Query: q.Person})
	return orders.Person{}, false, nil
}

// relation finds the asker's own assistant ("mon assistante": a rep's) or
// rep ("my rep": an assistant's), from the open orders they share.
func (t *turn) relation(role orders.Role) (orders.Person, bool, error) {
	var f orders.OrderFilter
	switch {
	case role == orders.RoleAssistant && t.person.Role == orders.RoleRep:
		f.RepID = t.person.ID
	case role == orders.RoleRep && t.person.Role == orders.RoleAssistant:
		f.AssistantID = t.person.ID
	case role == "":
		return t.person, true, nil // "one person's", naming no one: the asker
	}
	var ps []orders.Person
	if f.RepID != 0 || f.AssistantID != 0 {
		var err error
		if ps, err = t.peopleOf(f, role); err != nil {
			return orders.Person{}, false, err
		}
	}
	what := "my_" + string(role)
	switch len(ps) {
	case 0:
		t.ans.Kind, t.ans.Subject = NotFound, Subject{What: what}
		return orders.Person{}, false, t.freshness()
	case 1:
		return ps[0], true, nil
	}
	t.choosePerson(ps, Subject{What: what})
	return orders.Person{}, false, nil
}

func (t *turn) choosePerson(ps []orders.Person, sub Subject) {
	if len(ps) > maxPeople {
		ps = ps[:maxPeople]
	}
	t.ans.Kind, t.ans.People, t.ans.Subject = ChoosePerson, ps, sub
}

// portfolioOf returns p's portfolio, as much of it as the asker may see.
func (t *turn) portfolioOf(p orders.Person) whose {
	if p.ID == t.person.ID {
		return whose{filter: t.own(), mine: true, everyone: p.Role == orders.RoleManager, narrowed: p.Role != orders.RoleManager}
	}
	w := whose{person: p, narrowed: true}
	switch p.Role {
	case orders.RoleRep:
		w.filter.RepID = p.ID
	case orders.RoleAssistant:
		w.filter.AssistantID = p.ID
	default:
		// A manager has no portfolio of their own: all of it is theirs.
		w.narrowed = false
	}
	if t.restricted() {
		own := t.own()
		w.ownOnly = true
		w.none = own.RepID != 0 && w.filter.RepID != 0 || own.AssistantID != 0 && w.filter.AssistantID != 0
		if own.RepID != 0 {
			w.filter.RepID = own.RepID
		}
		if own.AssistantID != 0 {
			w.filter.AssistantID = own.AssistantID
		}
	}
	return w
}

// portfolio lists the orders of the question's portfolio (the asker's own
// unless it names another), blocked ones or those held for held.
func (t *turn) portfolio(blocked bool, held orders.Status) error {
	w, answered, err := t.whose()
	if answered || err != nil {
		return err
	}
	if q := t.ans.Question; w.named.Role == orders.RoleManager {
		// A manager has no portfolio of their own: "lefevre" is more
		// likely Boucherie Lefèvre than Hélène Lefèvre's everything.
		if done, err := t.asCustomer(q); done || err != nil {
			return err
		}
	}
	return t.list(w, nil, blocked, held)
}

// shortOf lists the open orders short of the question's item, of the question's
// portfolio (all the asker may see unless it names one).
func (t *turn) shortOf() error {
	w, answered, err := t.whose()
	if answered || err != nil {
		return err
	}
	return t.list(w, nil, false, "")
}

// asCustomer answers q's person as a customer's name, when customers the
// asker may see have it; done is false when none has.
func (t *turn) asCustomer(q understand.Question) (done bool, err error) {
	ms, err := t.store.CustomersByName(t.ctx, q.Person, maxCandidates)
	if orders.ErrorCode(err) == orders.EInvalid {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if t.restricted() {
		if ms, err = t.theirs(ms, t.own()); err != nil {
			return false, err
		}
	}
	if len(ms) == 0 {
		return false, nil
	}
	c := q
	c.Intent, c.CustomerName, c.CustomerNames = understand.Customer, q.Person, []string{q.Person}
	c.Scope, c.Person, c.PersonRole = "", "", ""
	c.Blocked = q.Blocked || q.Status != ""
	s := t.sub(c, t.ans.Limit)
	if err := s.customerName(c.CustomerName); err != nil {
		return true, err
	}
	t.ans = s.ans
	return true, nil
}

// customerOrders lists a customer's open orders. Someone who sees only
// their own portfolio learns nothing of a customer they have no open
// order of: not even its name.
func (t *turn) customerOrders(c orders.Customer) error {
	w, answered, err := t.whose()
	if answered || err != nil {
		return err
	}
	if t.restricted() {
		counts, err := t.store.OpenOrderCounts(t.ctx, []int64{c.ID}, t.own())
		if err != nil {
			return err
		}
		if counts[c.ID] == 0 {
			q := t.ans.Question
			switch {
			case q.CustomerCode != "":
				return t.notFound("code", q.CustomerCode, nil)
			case q.Intent == understand.Order:
				return t.notFound("order", q.Number, nil)
			case q.CustomerName != "":
				return t.notFound("customer", q.CustomerName, nil)
			}
			return t.notFound("customer_id", "", nil)
		}
	}
	q := t.ans.Question
	return t.list(w, &c, q.Blocked, q.Status)
}

// list lists the open orders of w (and of customer c, when set): blocked
// ones, or those held for held; those held for the question's reason when
// some are, all of held's kind when none is.
func (t *turn) list(w whose, c *orders.Customer, blocked bool, held orders.Status) error {
	sub := w.subject()
	sub.Blocked, sub.Status = blocked, held
	f := w.filter
	if c != nil {
		sub.What, sub.Customer, f.CustomerID = "customer", *c, c.ID
	}
	f.BlockedOnly, f.HeldFor, f.Limit = blocked, held, t.ans.Limit
	if q := t.ans.Question; q.Intent == understand.Item {
		sub.What, sub.Query, f.ShortOf = "item", q.Item, q.Item
	}
	l := orders.OrderList{TotalCents: map[string]int64{}, BlockedCents: map[string]int64{}}
	if !w.none {
		reason := t.ans.Question.Reason
		if f.Reason = reasonWords(reason); f.Reason != "" {
			var err error
			if l, err = t.store.OpenOrders(t.ctx, f); err != nil {
				return err
			}
			if l.Total > 0 {
				sub.Reason = reason
			} else {
				sub.ReasonMissed, f.Reason = reason, ""
			}
		}
		if f.Reason == "" {
			var err error
			if l, err = t.store.OpenOrders(t.ctx, f); err != nil {
				return err
			}
		}
	}
	t.ans.Kind, t.ans.List, t.ans.Subject = OrderList, l, sub
	return t.freshness()
}

// reasonWords returns the words of a block reason that are compared, the
// numbers left out: "encours dépassé de 12 400 €" is "encours dépassé de
// €", whose words every such reason holds whatever its amount.
func reasonWords(reason string) string {
	var keep []string
	for _, w := range strings.Fields(reason) {
		if strings.IndexFunc(w, unicode.IsDigit) < 0 {
			keep = append(keep, w)
		}
	}
	return strings.Join(keep, " ")
}

// maxCandidates is how many customers are offered to choose from.
const maxCandidates = 5

func (t *turn) customerName(name string) error {
	ms, err := t.store.CustomersByName(t.ctx, name, maxCandidates)
	if orders.ErrorCode(err) == orders.EInvalid {
		t.ans.Kind = NotUnderstood
		return nil
	}
	if err != nil {
		return err
	}
	w, answered, err := t.whose()
	if answered || err != nil {
		return err
	}
	switch {
	case t.restricted():
		if ms, err = t.theirs(ms, t.own()); err != nil {
			return err
		}
	case w.narrowed && len(ms) > 1:
		// "mes cdes chez Lefèvre": the Lefèvre of the portfolio asked
		// about, when only one has orders in it.
		in, err := t.theirs(ms, w.filter)
		if err != nil {
			return err
		}
		if len(in) > 0 {
			ms = in
		}
	}
	if m, ok := orders.ClearMatch(ms); ok {
		return t.customerOrders(m.Customer)
	}
	if len(ms) == 0 {
		return t.notFound("customer", name, nil)
	}
	t.ans.Kind, t.ans.Candidates = ChooseCustomer, ms
	t.ans.Subject = Subject{What: "customer", Query: name}
	return nil
}

// theirs keeps the candidates f's portfolio has open orders of, with how
// many.
func (t *turn) theirs(ms []orders.CustomerMatch, f orders.OrderFilter) ([]orders.CustomerMatch, error) {
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	counts, err := t.store.OpenOrderCounts(t.ctx, ids, f)
	if err != nil {
		return nil, err
	}
	var out []orders.CustomerMatch
	for _, m := range ms {
		if n := counts[m.ID]; n > 0 {
			m.OpenOrders = n
			out = append(out, m)
		}
	}
	return out, nil
}
