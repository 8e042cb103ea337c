package config

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"

	"github.com/orderbot/orderbot/orders/ingest"
)

// DefaultFile is the file Load reads when no path is given and it exists in
// the current directory.
const DefaultFile = "orderbot.yaml"

// Load returns the configuration made of the defaults, overridden by the YAML
// file at path, overridden by the ORDERBOT_<SECTION>_<KEY> variables that
// getenv returns, and validated.
//
// An empty path means DefaultFile in the current directory if it exists, and
// no file otherwise; an explicit path must exist. getenv is normally
// os.Getenv; nil means no environment. An empty variable counts as unset, so
// the environment cannot blank a value that the file sets.
//
// A key the file does not know is an error (typo protection); a key left
// empty (null) in the file, or a section left empty, keeps its default.
// Every error is one line that names the key and, when known, where its
// value came from (file line or variable).
func Load(path string, getenv func(string) string) (Config, error) {
	v := viper.New()
	def := Defaults()
	for _, f := range fields(&def) {
		// A default for every key, even an empty one, is what lets
		// variables set with v.Set reach Unmarshal (spf13/viper#761).
		v.SetDefault(f.key, f.value.Interface())
	}

	// origin says where each key's value came from, for error messages.
	origin := map[string]string{}

	if path == "" {
		_, err := os.Stat(DefaultFile)
		switch {
		case err == nil:
			path = DefaultFile
		case !errors.Is(err, fs.ErrNotExist):
			return Config{}, fmt.Errorf("config: cannot read %s: %w", DefaultFile, err)
		}
	}
	var profiles map[string]ingest.Profile
	var steps map[string]map[string]string
	var tracking map[string]string
	var routes map[string]ReleaseRoute
	if path != "" {
		settings, lines, fr, err := readFile(path)
		if err != nil {
			return Config{}, err
		}
		profiles, steps, tracking, routes = fr.profiles, fr.steps, fr.tracking, fr.routes
		if err := v.MergeConfigMap(settings); err != nil {
			return Config{}, fmt.Errorf("config: %s: %s", path, oneLine(err.Error()))
		}
		for key, line := range lines {
			origin[key] = fmt.Sprintf("set in %s line %d", path, line)
		}
	}

	if getenv != nil {
		for _, key := range keys() {
			name := envName(key)
			if s := getenv(name); s != "" {
				v.Set(key, s)
				origin[key] = "set by " + name
			}
		}
	}

	var c Config
	err := v.Unmarshal(&c,
		viper.DecodeHook(scalarHook),
		func(dc *mapstructure.DecoderConfig) { dc.ErrorUnused = true },
	)
	if err != nil {
		return Config{}, decodeError(err, origin)
	}
	c.Import.Profiles = profiles
	c.Bot.NextSteps = steps
	c.Bot.TrackingURLs = tracking
	c.Release.Routes = routes
	if ps := c.problems(); len(ps) > 0 {
		return Config{}, joinProblems(ps, origin)
	}
	return c, nil
}

// EnvWarnings returns one line for every variable of environ ("NAME=value",
// as os.Environ gives them) that is meant for orderbot but sets nothing: a
// misspelt ORDERBOT_ variable (named with the closest variable that sets
// something, by edit distance), one in the wrong case, or one of the
// settings read from the file only. Load ignores such a variable, silently:
// the caller prints these at load. Values are never quoted, being possibly
// secrets. The variables of orderbot's tests and benchmarks are not
// settings and are left alone.
func EnvWarnings(environ []string) []string {
	known := map[string]string{} // variable → key
	for _, k := range keys() {
		known[envName(k)] = k
	}
	var out []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		upper := strings.ToUpper(name)
		if !strings.HasPrefix(upper, "ORDERBOT_") || known[name] != "" || toolVariable(name) {
			continue
		}
		if key, fileOnly := fileOnlyVariables()[upper]; fileOnly {
			out = append(out, fmt.Sprintf("%s is ignored: %s is read from the configuration file only", name, key))
			continue
		}
		closest, best := "", -1
		for variable := range known {
			if d := distance(upper, variable); best < 0 || d < best || d == best && variable < closest {
				closest, best = variable, d
			}
		}
		out = append(out, fmt.Sprintf("%s sets nothing and is ignored (did you mean %s, for %s?)", name, closest, known[closest]))
	}
	slices.Sort(out)
	return out
}

// toolVariable reports whether name is read by orderbot's tests, its
// development database or its benchmarks rather than a setting.
func toolVariable(name string) bool {
	return name == "ORDERBOT_TEST_DATABASE_URL" || strings.HasPrefix(name, "ORDERBOT_BENCH_")
}

// readFile parses the YAML file at path into the nested map viper takes,
// keeping only known keys with non-null values, the line of each key, and
// the import profiles. It reads the YAML itself rather than through viper so
// that it can name the line of an unknown key and treat an emptied section
// as absent (viper would let a null section hide the defaults under it). The
// profiles never reach viper, which would lower-case their map keys and
// split them at dots.
func readFile(path string) (map[string]any, map[string]int, *fileReader, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, nil, nil, fmt.Errorf("config: cannot read %s: %w", path, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, nil, fmt.Errorf("config: cannot parse %s: %s", path, oneLine(err.Error()))
	}
	r := fileReader{path: path, settings: map[string]any{}, lines: map[string]int{}}
	if len(doc.Content) > 0 {
		root := resolve(doc.Content[0])
		switch {
		case isNull(root):
		case root.Kind != yaml.MappingNode:
			r.errs = append(r.errs, fmt.Sprintf("%s line %d: want sections such as database: and slack: at the top level", path, root.Line))
		default:
			r.walk(root, "")
		}
	}
	if len(r.errs) > 0 {
		return nil, nil, nil, errors.New("config: " + strings.Join(r.errs, "; "))
	}
	return r.settings, r.lines, &r, nil
}

// fileOnlyVariables maps the variables that the file-only settings would
// have to those settings.
func fileOnlyVariables() map[string]string {
	out := map[string]string{}
	for _, k := range fileOnlyKeys() {
		out[envName(k)] = k
	}
	return out
}

// readTrackingURLs decodes bot.tracking_urls: carrier → URL template.
func (r *fileReader) readTrackingURLs(n *yaml.Node) {
	if isNull(n) {
		return
	}
	var m map[string]string
	if err := n.Decode(&m); err != nil {
		r.errs = append(r.errs, fmt.Sprintf("%s in %s line %d: want a carrier, then its tracking URL with {tracking} (%s)",
			trackingURLsKey, r.path, n.Line, oneLine(err.Error())))
		return
	}
	r.tracking = m
}

// readNextSteps decodes bot.next_steps: status → language → wording.
func (r *fileReader) readNextSteps(n *yaml.Node) {
	if isNull(n) {
		return
	}
	var m map[string]map[string]string
	if err := n.Decode(&m); err != nil {
		r.errs = append(r.errs, fmt.Sprintf("%s in %s line %d: want a status, then fr: and en: wordings under it (%s)",
			nextStepsKey, r.path, n.Line, oneLine(err.Error())))
		return
	}
	r.steps = m
}

// fileReader collects the settings of one file.
type fileReader struct {
	path     string
	settings map[string]any // section → key → value
	lines    map[string]int // dotted key → line
	profiles map[string]ingest.Profile
	steps    map[string]map[string]string
	tracking map[string]string
	routes   map[string]ReleaseRoute
	errs     []string
}

// walk visits a mapping: the top level when section is "", else a section.
func (r *fileReader) walk(n *yaml.Node, section string) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], resolve(n.Content[i+1])
		if k.Tag == "!!merge" {
			r.merge(val, section)
			continue
		}
		name := strings.ToLower(k.Value)
		key := name
		if section != "" {
			key = section + "." + name
		}
		switch {
		case section == "" && isSection(name):
			if isNull(val) {
				continue
			}
			if val.Kind != yaml.MappingNode {
				r.errs = append(r.errs, fmt.Sprintf("%s in %s line %d: want the keys of the section under it (such as %s), not a value", key, r.path, k.Line, firstKey(name)))
				continue
			}
			if _, ok := r.settings[name]; !ok {
				r.settings[name] = map[string]any{}
			}
			r.walk(val, name)
		case section != "" && key == profilesKey:
			r.lines[key] = k.Line
			r.readProfiles(val)
		case section != "" && key == nextStepsKey:
			r.lines[key] = k.Line
			r.readNextSteps(val)
		case section != "" && key == trackingURLsKey:
			r.lines[key] = k.Line
			r.readTrackingURLs(val)
		case section != "" && key == releaseRoutesKey:
			r.lines[key] = k.Line
			r.readReleaseRoutes(val)
		case section != "" && slices.Contains(keys(), key):
			if isNull(val) {
				continue
			}
			if val.Kind != yaml.ScalarNode {
				r.errs = append(r.errs, fmt.Sprintf("%s in %s line %d: want a single value, not a list or a mapping", key, r.path, k.Line))
				continue
			}
			var x any
			if err := val.Decode(&x); err != nil {
				r.errs = append(r.errs, fmt.Sprintf("%s in %s line %d: %s", key, r.path, k.Line, oneLine(err.Error())))
				continue
			}
			r.settings[section].(map[string]any)[name] = x
			r.lines[key] = k.Line
		default:
			msg := fmt.Sprintf("unknown key %s in %s line %d", key, r.path, k.Line)
			if s := suggest(key); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			}
			r.errs = append(r.errs, msg)
		}
	}
}

// merge applies a YAML merge key (<<: *anchor), one mapping or a list of them.
func (r *fileReader) merge(n *yaml.Node, section string) {
	switch n.Kind {
	case yaml.MappingNode:
		r.walk(n, section)
	case yaml.SequenceNode:
		for _, m := range n.Content {
			r.merge(resolve(m), section)
		}
	}
}

// resolve follows aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is an empty value, which means "use the default".
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// isSection reports whether name is a top-level section.
func isSection(name string) bool {
	return firstKey(name) != ""
}

// firstKey returns the first key of section, or "" if there is no such
// section.
func firstKey(section string) string {
	for _, k := range keys() {
		if strings.HasPrefix(k, section+".") {
			return k
		}
	}
	return ""
}

// suggest returns the known key that an unknown key most likely misspells,
// or "".
func suggest(unknown string) string {
	_, leaf, _ := strings.Cut(unknown, ".")
	if leaf == "" {
		leaf = unknown
	}
	known := append(keys(), fileOnlyKeys()...)
	// The right key in the wrong section, or at the top level.
	for _, k := range known {
		if _, l, _ := strings.Cut(k, "."); l == leaf {
			return k
		}
	}
	best, bestDist := "", max(2, len(unknown)/4)+1
	for _, k := range known {
		if d := distance(unknown, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// scalarHook decodes durations, numbers and booleans strictly. viper
// decodes weakly, which environment strings need ("20", "false", "0.5"),
// but weak decoding would also turn 1.5 into 1, true into 1, 5 into true, a
// bare 5 into five nanoseconds and 99999999999 into a wrapped-around
// int32; here those are errors.
func scalarHook(_ reflect.Type, to reflect.Type, data any) (any, error) {
	if data == nil {
		return data, nil
	}
	switch {
	case to == reflect.TypeFor[time.Duration]():
		return toDuration(data)
	case to.Kind() == reflect.Bool:
		return toBool(data)
	case to.Kind() >= reflect.Int && to.Kind() <= reflect.Int64:
		return toInt(data, to)
	case to.Kind() == reflect.Float64:
		return toFloat(data)
	}
	return data, nil
}

// toFloat accepts a number, written as a number or a string, but not a
// boolean.
func toFloat(data any) (any, error) {
	v := reflect.ValueOf(data)
	switch {
	case v.Kind() >= reflect.Int && v.Kind() <= reflect.Int64:
		return float64(v.Int()), nil
	case v.Kind() >= reflect.Uint && v.Kind() <= reflect.Uint64:
		return float64(v.Uint()), nil
	case v.Kind() == reflect.Float32 || v.Kind() == reflect.Float64:
		return v.Float(), nil
	case v.Kind() == reflect.String:
		f, err := strconv.ParseFloat(strings.TrimSpace(v.String()), 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", data)
		}
		return f, nil
	default:
		return nil, fmt.Errorf("%v is not a number", data)
	}
}

// toDuration accepts a time.Duration or a string such as "5s".
func toDuration(data any) (any, error) {
	switch d := data.(type) {
	case time.Duration:
		return d, nil
	case string:
		if parsed, err := time.ParseDuration(strings.TrimSpace(d)); err == nil {
			return parsed, nil
		}
		return nil, fmt.Errorf("%q is not a duration (want a number and a unit, such as 5s, 90m or 26h)", d)
	default:
		return nil, fmt.Errorf("%v is not a duration (want a number and a unit, such as 5s, 90m or 26h)", data)
	}
}

// toBool accepts a bool or what strconv.ParseBool does.
func toBool(data any) (any, error) {
	switch b := data.(type) {
	case bool:
		return b, nil
	case string:
		if parsed, err := strconv.ParseBool(strings.TrimSpace(b)); err == nil {
			return parsed, nil
		}
		return nil, fmt.Errorf("%q is not true or false", b)
	default:
		return nil, fmt.Errorf("%v is not true or false", data)
	}
}

// toInt accepts a whole number, written as a number or a string, that fits
// in the type to.
func toInt(data any, to reflect.Type) (any, error) {
	var n int64
	v := reflect.ValueOf(data)
	switch {
	case v.Kind() >= reflect.Int && v.Kind() <= reflect.Int64:
		n = v.Int()
	case v.Kind() >= reflect.Uint && v.Kind() <= reflect.Uint64:
		if v.Uint() > math.MaxInt64 {
			return nil, fmt.Errorf("%v is too large", data)
		}
		n = int64(v.Uint())
	case v.Kind() == reflect.Float32 || v.Kind() == reflect.Float64:
		f := v.Float()
		if f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
			return nil, fmt.Errorf("%v is not a whole number", data)
		}
		n = int64(f)
	case v.Kind() == reflect.String:
		parsed, err := strconv.ParseInt(strings.TrimSpace(v.String()), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a whole number", data)
		}
		n = parsed
	default:
		return nil, fmt.Errorf("%v is not a whole number", data)
	}
	if reflect.New(to).Elem().OverflowInt(n) {
		return nil, fmt.Errorf("%d is too large", n)
	}
	return n, nil
}

// decodeError turns what mapstructure reports, a tree of errors on several
// lines, into one line naming each key.
func decodeError(err error, origin map[string]string) error {
	var ps []problem
	collectDecodeErrors(err, &ps)
	if len(ps) == 0 {
		return fmt.Errorf("config: %s", oneLine(err.Error()))
	}
	return joinProblems(ps, origin)
}

// collectDecodeErrors appends a problem for every key-named error in the
// tree under err.
func collectDecodeErrors(err error, ps *[]problem) {
	if de, ok := err.(*mapstructure.DecodeError); ok {
		*ps = append(*ps, problem{key: de.Name(), msg: describeDecode(de.Name(), de.Unwrap())})
		return
	}
	switch e := err.(type) {
	case interface{ Unwrap() []error }:
		for _, inner := range e.Unwrap() {
			collectDecodeErrors(inner, ps)
		}
	case interface{ Unwrap() error }:
		collectDecodeErrors(e.Unwrap(), ps)
	}
}

// describeDecode says what was wrong with the value of key, without
// printing it when it is a secret.
func describeDecode(key string, err error) string {
	var value any
	var want reflect.Type
	var pe *mapstructure.ParseError
	var ue *mapstructure.UnconvertibleTypeError
	switch {
	case errors.As(err, &pe):
		value, want = pe.Value, pe.Expected.Type()
	case errors.As(err, &ue):
		value, want = ue.Value, ue.Expected.Type()
	default:
		return oneLine(err.Error())
	}
	shown := "the value"
	if !secretKey(key) {
		shown = fmt.Sprintf("%q", fmt.Sprint(value))
	}
	return fmt.Sprintf("%s is not %s", shown, kindName(want))
}

// kindName names what a value of type t looks like in the file.
func kindName(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[time.Duration]():
		return "a duration such as 5s, 90m or 26h"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "a whole number"
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return "a number"
	default:
		return "a " + t.String()
	}
}

// oneLine folds a message that may span several lines into one.
func oneLine(s string) string {
	var parts []string
	for line := range strings.SplitSeq(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			parts = append(parts, line)
		}
	}
	return strings.Join(parts, " ")
}
