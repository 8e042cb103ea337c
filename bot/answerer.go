package bot

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// Store is what answering needs of the order store.
type Store interface {
	PersonByEmail(ctx context.Context, email string) (orders.Person, error)
	PersonBySlackID(ctx context.Context, id string) (orders.Person, error)
	OrderByNumber(ctx context.Context, number string) (orders.Order, error)
	OrdersByCustomerRef(ctx context.Context, ref string, limit int) ([]orders.Order, error)
	SimilarNumbers(ctx context.Context, number string, f orders.OrderFilter, limit int) ([]string, error)
	CustomerByCode(ctx context.Context, code string) (orders.Customer, error)
	CustomerByID(ctx context.Context, id int64) (orders.Customer, error)
	CustomersByName(ctx context.Context, name string, limit int) ([]orders.CustomerMatch, error)
	OpenOrders(ctx context.Context, f orders.OrderFilter) (orders.OrderList, error)
	// OpenOrderCounts counts, per customer, the open orders f's RepID and
	// AssistantID select; customers without any are absent.
	OpenOrderCounts(ctx context.Context, customerIDs []int64, f orders.OrderFilter) (map[int64]int, error)
	// PeopleNamed finds people of the directory by name, or part of it.
	PeopleNamed(ctx context.Context, name string, limit int) ([]orders.Person, error)
	// OpenOrderPeople returns the reps and assistants of the open orders
	// f selects.
	OpenOrderPeople(ctx context.Context, f orders.OrderFilter) ([]orders.Person, error)
	// NextOrder returns the order whose number comes after number, among
	// those of f's RepID and AssistantID.
	NextOrder(ctx context.Context, number string, f orders.OrderFilter) (orders.Order, error)
	// DataVersion tells when the data of the last import was extracted,
	// and the last import run of any kind: a new one may bring new words.
	DataVersion(ctx context.Context) (asOf time.Time, known bool, run int64, err error)
	VocabularyStore
}

// VocabularyStore is what building the reading's vocabulary needs of the
// store.
type VocabularyStore interface {
	RecentNumbers(ctx context.Context, limit int) ([]string, error)
	BlockReasons(ctx context.Context, limit int) (map[orders.Status]map[string]int, error)
	CustomerNames(ctx context.Context, limit int) ([]string, error)
	// ShortItems returns the items open orders are short of (their code
	// and description), at most limit of them.
	ShortItems(ctx context.Context, limit int) ([]orders.Line, error)
	Directory(ctx context.Context) ([]orders.Person, error)
}

// QuestionLog keeps every question answered, for audit and for the
// managers' summary.
type QuestionLog interface {
	Record(orders.AskedQuestion)
}

// Model reads a question the deterministic reading could not (a language
// model, say). Its error means no reading: the deterministic one stands.
type Model interface {
	Read(ctx context.Context, message string) (understand.Question, error)
}

// Access says what reps and assistants may see.
type Access string

// The access settings.
const (
	// AccessAll lets reps and assistants see every open order.
	AccessAll Access = "all"
	// AccessOwn limits reps and assistants to their own portfolio.
	AccessOwn Access = "own"
)

// Options are the settings of answering.
type Options struct {
	Access     Access
	Language   orders.Language // for people whose language is unknown
	StaleAfter time.Duration   // data older than this is called stale
	ListLimit  int             // orders listed in one answer
	Now        func() time.Time
	// Model, when set, reads the messages the deterministic reading does
	// not understand, or only guesses at.
	Model Model
	// Log hears of what goes wrong away from any question: the vocabulary
	// built in the background. Nil discards it.
	Log *slog.Logger
	// Follows, when set, lets people follow orders and customers, and
	// tells answers about an order whether the asker follows it.
	Follows FollowStore
	// AutoFollow has whoever asks about a blocked order follow it.
	AutoFollow bool
	// Releases, when set, lets people ask for the release of blocked
	// orders, and tells answers where a release stands.
	Releases ReleaseStore
}

// Asker is who asks, as the transport knows them: a Slack user ID, an
// e-mail address, or both.
type Asker struct {
	SlackUserID string
	Email       string
	Transport   string // "slack", "console": for the audit log
}

// Answerer answers questions. It is safe for concurrent use.
type Answerer struct {
	store  Store
	parser *understand.Parser
	log    QuestionLog
	opt    Options

	mu        sync.Mutex
	fresh     Freshness
	freshRead time.Time
	people    map[Asker]knownPerson
	vocab     vocabState
	builds    sync.WaitGroup
}

// knownPerson is an asker as the directory said, a moment ago.
type knownPerson struct {
	person orders.Person
	known  bool
	at     time.Time
}

// personTTL is how long the directory's answer about an asker is reused:
// a person added or removed by a directory import is seen within it.
const personTTL = 30 * time.Second

// freshnessTTL is how long the time of the last import is reused before it
// is read again: imports are hours apart, questions a second apart.
const freshnessTTL = 5 * time.Second

// New returns an Answerer over store; log may be nil.
func New(store Store, parser *understand.Parser, log QuestionLog, opt Options) *Answerer {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.ListLimit <= 0 {
		opt.ListLimit = 15
	}
	if opt.Language == "" {
		opt.Language = orders.French
	}
	if opt.Access != AccessAll {
		// Anything but an explicit "all" fails closed.
		opt.Access = AccessOwn
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	return &Answerer{store: store, parser: parser, log: log, opt: opt, people: map[Asker]knownPerson{},
		vocab: vocabState{run: -1}}
}

// Parse reads a message the way Ask does.
func (a *Answerer) Parse(text string) understand.Question { return a.parser.Parse(text) }

// Ask answers a message that follows nothing: the first of a
// conversation, or one of a transport that keeps none. The error is for
// the operator: a failure of orderbot or of the store, for which the
// answer is Unavailable; what the asker typed never makes an error.
func (a *Answerer) Ask(ctx context.Context, who Asker, text string) (Answer, error) {
	return a.AskAfter(ctx, who, Memory{}, text)
}

// AskAfter answers a message of a conversation whose last answer left
// prev (Answer.Memory): "et pour Ernst ?" asks prev's question again of
// Ernst, "et la suivante ?" for the order after the one prev shown last.
// A message that follows nothing is read alone, as Ask reads it.
func (a *Answerer) AskAfter(ctx context.Context, who Asker, prev Memory, text string) (Answer, error) {
	return a.respond(ctx, who, text, prev, func(orders.Person) (understand.Question, int) {
		q := a.read(prev, text)
		if a.needsModel(q) {
			// Only for people of the directory: a stranger's message goes
			// nowhere.
			if mq, err := a.opt.Model.Read(ctx, q.Text); err == nil {
				mq.Text = q.Text
				if mq.Lang == "" {
					mq.Lang = q.Lang // the model says none: the words did
				}
				if mq.Intent == understand.AskRelease {
					// A request posts in credit control's channel: on a
					// model's reading, show the order and its Ask for
					// release button, for the asker to press.
					mq.Intent, mq.Note = understand.Order, ""
				}
				return mq, 0
			}
		}
		return q, 0
	})
}

// read reads text as the message after prev.
func (a *Answerer) read(prev Memory, text string) understand.Question {
	q := a.parser.Parse(text)
	if !prev.Empty() {
		q = q.Follow(prev.Question)
	}
	return q
}

// needsModel reports whether q should be read by the model: it is
// configured, and the deterministic reading found nothing or only
// guessed. A follow-up is not for the model: it would read it without the
// conversation it follows.
func (a *Answerer) needsModel(q understand.Question) bool {
	return a.opt.Model != nil && (q.Intent == understand.Unknown || q.Weak) && q.FollowUp == ""
}

// WouldAskModel reports whether answering text will wait on the model, so
// that a transport can say it is looking.
func (a *Answerer) WouldAskModel(text string) bool { return a.needsModel(a.parser.Parse(text)) }

// Looking reports whether answering who's text will wait on the model, and
// the language who reads, so that a transport can post a notice meanwhile.
// A stranger gets no notice: nothing they write is read further.
func (a *Answerer) Looking(ctx context.Context, who Asker, text string) (orders.Language, bool) {
	return a.LookingAfter(ctx, who, Memory{}, text)
}

// LookingAfter is Looking for a message of a conversation whose last
// answer left prev.
func (a *Answerer) LookingAfter(ctx context.Context, who Asker, prev Memory, text string) (orders.Language, bool) {
	person, known, err := a.identify(ctx, who)
	if err != nil || !known {
		return "", false
	}
	q := a.read(prev, text)
	if !a.needsModel(q) {
		return "", false
	}
	return a.language(person, prev, q), true
}

// language is the language of the answer to q: the question's when its
// words tell, else the conversation's, else the asker's.
func (a *Answerer) language(person orders.Person, prev Memory, q understand.Question) orders.Language {
	switch {
	case q.Lang != "":
		return q.Lang
	case prev.Lang != "" && !prev.Empty():
		return prev.Lang
	case person.Language != "":
		return person.Language
	}
	return a.opt.Language
}

// Act answers the press of a button of an earlier answer.
func (a *Answerer) Act(ctx context.Context, who Asker, act Action) (Answer, error) {
	return a.respond(ctx, who, act.Question.Text, Memory{}, func(orders.Person) (understand.Question, int) {
		return act.Question, act.Limit
	})
}

// AnswerQuestion answers a question already read (by a model, say), with
// the same access rules as Ask.
func (a *Answerer) AnswerQuestion(ctx context.Context, who Asker, q understand.Question) (Answer, error) {
	return a.respond(ctx, who, q.Text, Memory{}, func(orders.Person) (understand.Question, int) { return q, 0 })
}

func (a *Answerer) respond(ctx context.Context, who Asker, text string, prev Memory,
	read func(orders.Person) (understand.Question, int)) (Answer, error) {
	start := a.opt.Now()
	ans, person, err := a.answer(ctx, who, prev, read, start)
	if a.log != nil {
		intent := string(ans.Question.Intent)
		if ans.Kind == Refused {
			// What a stranger asked is neither read nor kept.
			intent, text = "", ""
		}
		a.log.Record(orders.AskedQuestion{
			At: start, PersonID: person.ID, Asker: firstOf(who.SlackUserID, who.Email), Transport: who.Transport,
			Intent: intent, Outcome: string(ans.Kind), Results: ans.Results(), Latency: a.opt.Now().Sub(start), Text: text,
		})
	}
	return ans, err
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func (a *Answerer) answer(ctx context.Context, who Asker, prev Memory, read func(orders.Person) (understand.Question, int),
	now time.Time) (Answer, orders.Person, error) {
	person, known, err := a.identify(ctx, who)
	if err != nil {
		return Answer{Kind: Unavailable, Lang: a.opt.Language, At: now}, person, err
	}
	if !known {
		return Answer{Kind: Refused, Lang: a.opt.Language, At: now}, orders.Person{}, nil
	}
	q, limit := read(person)
	if limit <= 0 {
		limit = a.opt.ListLimit
	}
	lang := a.language(person, prev, q)
	t := turn{Answerer: a, ctx: ctx, person: person, prev: prev, ans: Answer{Lang: lang, At: now, Question: q, Limit: limit}}
	if err := t.run(); err != nil {
		return Answer{Kind: Unavailable, Lang: lang, At: now, Question: q}, person, err
	}
	return t.ans, person, nil
}

// identify finds the asker in the directory; known is false for someone
// who is not in it (or only as a placeholder an order created). The answer
// is reused for personTTL.
func (a *Answerer) identify(ctx context.Context, who Asker) (orders.Person, bool, error) {
	key := Asker{SlackUserID: who.SlackUserID, Email: who.Email}
	now := a.opt.Now()
	a.mu.Lock()
	c, ok := a.people[key]
	a.mu.Unlock()
	if ok && now.Sub(c.at) < personTTL && !now.Before(c.at) {
		return c.person, c.known, nil
	}
	p, known, err := a.lookup(ctx, who)
	if err != nil {
		return p, known, err
	}
	a.mu.Lock()
	if len(a.people) > 10000 {
		a.people = map[Asker]knownPerson{}
	}
	a.people[key] = knownPerson{person: p, known: known, at: now}
	a.mu.Unlock()
	return p, known, nil
}

// plausible reports whether an identity could name someone: text, no
// control characters. Anything else is a stranger, not a question for the
// directory.
func plausible(id string) bool {
	return utf8.ValidString(id) && strings.IndexFunc(id, unicode.IsControl) < 0 && len(id) <= 320
}

// lookup asks the directory who who is.
func (a *Answerer) lookup(ctx context.Context, who Asker) (orders.Person, bool, error) {
	if !plausible(who.SlackUserID) || !plausible(who.Email) {
		return orders.Person{}, false, nil
	}
	var p orders.Person
	var err error = orders.Errorf(orders.ENotFound, "nobody")
	if who.SlackUserID != "" {
		p, err = a.store.PersonBySlackID(ctx, who.SlackUserID)
	}
	if orders.ErrorCode(err) == orders.ENotFound && who.Email != "" {
		p, err = a.store.PersonByEmail(ctx, who.Email)
	}
	switch {
	case orders.ErrorCode(err) == orders.ENotFound:
		return orders.Person{}, false, nil
	case err != nil:
		return orders.Person{}, false, err
	}
	return p, !p.Placeholder, nil
}

// turn is the answering of one question.
type turn struct {
	*Answerer
	ctx    context.Context
	person orders.Person
	prev   Memory // what the conversation remembers, for "the next one"
	ans    Answer
	// resolved is whose orders the question asks for, once known.
	resolved *whose
	// following says the turn finds what to follow: an order found is
	// not followed automatically.
	following bool
}

func (t *turn) run() error {
	q := t.ans.Question
	if q.FollowUp == understand.Next && !t.prev.Empty() && q.Intent != understand.Unknown {
		return t.next()
	}
	if t.several(q) {
		return t.each(subjects(q))
	}
	switch q.Intent {
	case understand.Order:
		if len(q.Numbers) > 2 {
			return t.orderSet(q.Numbers)
		}
		if err := t.order(firstOf(q.Number, firstItem(q.Numbers))); err != nil || t.ans.Kind != OrderFound || t.following {
			return err
		}
		if err := t.releaseState(); err != nil {
			return err
		}
		return t.followState()
	case understand.AskRelease:
		return t.askRelease()
	case understand.CustomerRef:
		return t.customerRef(firstOf(q.Ref, firstItem(q.Refs)))
	case understand.Customer:
		switch {
		case q.CustomerID != 0:
			c, err := t.store.CustomerByID(t.ctx, q.CustomerID)
			if orders.ErrorCode(err) == orders.ENotFound {
				return t.notFound("customer_id", "", nil)
			}
			if err != nil {
				return err
			}
			return t.customerOrders(c)
		case q.CustomerCode != "":
			return t.customerCode(q.CustomerCode)
		}
		return t.customerName(firstOf(q.CustomerName, firstItem(q.CustomerNames)))
	case understand.Mine:
		return t.portfolio(q.Blocked, "")
	case understand.Reason:
		return t.portfolio(true, q.Status)
	case understand.Item:
		return t.shortOf()
	case understand.StartFollowing, understand.StopFollowing:
		t.following = true
		return t.follow(q.Intent == understand.StopFollowing)
	case understand.Following:
		return t.followList()
	case understand.Help:
		t.ans.Kind = Help
	case understand.Thanks:
		t.ans.Kind = Thanks
	default:
		t.ans.Kind = NotUnderstood
	}
	return nil
}

func firstItem(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return l[0]
}

// restricted reports whether the asker sees only their own portfolio.
func (t *turn) restricted() bool {
	return t.opt.Access == AccessOwn && t.person.Role != orders.RoleManager
}

// own returns the filter of the asker's own portfolio (nothing for a
// manager, who sees all of it).
func (t *turn) own() orders.OrderFilter {
	switch t.person.Role {
	case orders.RoleRep:
		return orders.OrderFilter{RepID: t.person.ID}
	case orders.RoleAssistant:
		return orders.OrderFilter{AssistantID: t.person.ID}
	}
	return orders.OrderFilter{}
}

// scope returns the filter of what the asker may see.
func (t *turn) scope() orders.OrderFilter {
	if t.restricted() {
		return t.own()
	}
	return orders.OrderFilter{}
}

// visible reports whether the asker may see o: the same rule as scope.
func (t *turn) visible(o orders.Order) bool {
	if !t.restricted() {
		return true
	}
	switch t.person.Role {
	case orders.RoleRep:
		return o.Rep != nil && o.Rep.ID == t.person.ID
	case orders.RoleAssistant:
		return o.Assistant != nil && o.Assistant.ID == t.person.ID
	}
	return false
}

func (t *turn) freshness() error {
	now := t.opt.Now()
	t.mu.Lock()
	f, read := t.fresh, t.freshRead
	t.mu.Unlock()
	if read.IsZero() || now.Sub(read) > freshnessTTL || now.Before(read) {
		// Read outside the lock: a slow read holds up no other answer.
		at, ok, run, err := t.store.DataVersion(t.ctx)
		if err != nil {
			return err
		}
		f = Freshness{AsOf: at, Known: ok}
		t.mu.Lock()
		t.fresh, t.freshRead = f, now
		t.mu.Unlock()
		t.refreshVocabulary(t.ctx, run, now)
	}
	f.Stale = !f.Known || (t.opt.StaleAfter > 0 && t.ans.At.Sub(f.AsOf) > t.opt.StaleAfter)
	t.ans.Data = f
	return nil
}

// order answers an order number; failing that, the same text as a
// customer's reference, then as a customer code, then the closest numbers.
func (t *turn) order(number string) error {
	o, err := t.store.OrderByNumber(t.ctx, number)
	switch orders.ErrorCode(err) {
	case "":
		if t.visible(o) {
			t.ans.Kind, t.ans.Order = OrderFound, o
			return t.freshness()
		}
		// An order the asker may not see goes the way of a number that
		// does not exist, so that the answer cannot tell them apart.
	case orders.EConflict:
		// Two numbers share what was typed: offer those the asker sees.
		var mine []string
		for _, n := range conflictNumbers(orders.ErrorMessage(err)) {
			o, err := t.store.OrderByNumber(t.ctx, n)
			if err == nil && t.visible(o) {
				mine = append(mine, o.Number)
			}
		}
		if len(mine) > 0 {
			return t.notFound("order", number, mine)
		}
	case orders.ENotFound, orders.EInvalid:
	default:
		return err
	}
	if found, err := t.byRef(number); found || err != nil {
		return err
	}
	if strings.IndexFunc(number, isLetter) >= 0 {
		c, err := t.store.CustomerByCode(t.ctx, number)
		if err == nil {
			return t.customerOrders(c)
		}
		if orders.ErrorCode(err) != orders.ENotFound && orders.ErrorCode(err) != orders.EInvalid {
			return err
		}
	}
	return t.notFound("order", number, nil)
}

func isLetter(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }

// conflictNumbers takes the two numbers out of the store's conflict
// message ("... could be order A or order B").
func conflictNumbers(msg string) []string {
	var out []string
	for _, part := range strings.Split(msg, "order ")[1:] {
		n := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(part), " or"))
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

// byRef answers ref as a customer's reference, if some visible order has it.
func (t *turn) byRef(ref string) (bool, error) {
	os, err := t.store.OrdersByCustomerRef(t.ctx, ref, MaxListLimit)
	if orders.ErrorCode(err) == orders.EInvalid {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var seen []orders.Order
	for _, o := range os {
		if t.visible(o) {
			seen = append(seen, o)
		}
	}
	switch len(seen) {
	case 0:
		return false, nil
	case 1:
		t.ans.Kind, t.ans.Order = OrderFound, seen[0]
		return true, t.freshness()
	}
	t.ans.Kind = OrderList
	t.ans.Subject = Subject{What: "ref", Query: ref}
	t.ans.List = listOf(seen, t.ans.Limit)
	return true, t.freshness()
}

// listOf makes a list answer of orders found by reference.
func listOf(os []orders.Order, limit int) orders.OrderList {
	l := orders.OrderList{Total: len(os), TotalCents: map[string]int64{}, BlockedCents: map[string]int64{}}
	for _, o := range os {
		if o.Closed() {
			continue
		}
		l.TotalCents[o.Currency] += o.AmountCents
		if o.Blocked() {
			l.Blocked++
			l.BlockedCents[o.Currency] += o.AmountCents
		}
	}
	if len(os) > limit {
		os = os[:limit]
	}
	l.Orders = os
	return l
}

func (t *turn) customerRef(ref string) error {
	if found, err := t.byRef(ref); found || err != nil {
		return err
	}
	// People also call our own order number "their reference".
	o, err := t.store.OrderByNumber(t.ctx, ref)
	if err == nil && t.visible(o) {
		t.ans.Kind, t.ans.Order = OrderFound, o
		return t.freshness()
	}
	if err != nil && orders.ErrorCode(err) == orders.EInternal {
		return err
	}
	t.ans.Kind, t.ans.Subject = NotFound, Subject{What: "ref", Query: ref}
	return t.freshness()
}

func (t *turn) customerCode(code string) error {
	c, err := t.store.CustomerByCode(t.ctx, code)
	switch orders.ErrorCode(err) {
	case "":
		return t.customerOrders(c)
	case orders.ENotFound, orders.EInvalid:
		return t.order(code)
	}
	return err
}

// notFound says nothing matched, with the closest numbers visible to the
// asker (or the given ones).
func (t *turn) notFound(what, query string, numbers []string) error {
	t.ans.Kind, t.ans.Subject = NotFound, Subject{What: what, Query: query}
	if numbers == nil && what == "order" {
		var err error
		numbers, err = t.store.SimilarNumbers(t.ctx, query, t.scope(), 5)
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	t.ans.Suggestions = numbers
	return t.freshness()
}

// Wait waits for the vocabulary being built in the background, if any:
// call it before closing the store the answerer reads.
func (a *Answerer) Wait() { a.builds.Wait() }
