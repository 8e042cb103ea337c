package config

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/orderbot/orderbot/orders/ingest"
)

// The import profiles are decoded here, straight from the YAML nodes, rather
// than through viper: viper lower-cases keys and splits them at dots, and a
// profile's map keys are data (header texts such as "N° commande", the ERP's
// words such as "Bloquée crédit" or "Statut.") that must survive exactly.
// The decoding is as strict as the rest of the file: a key that a profile
// or a block does not know is an error naming it and its line, while the
// keys of the free-form maps (columns, statuses, constants, values) are
// taken as written.

// readProfiles decodes the mapping under import.profiles into r.profiles. A
// profile named again in a later mapping (through a merge key) replaces the
// earlier one.
func (r *fileReader) readProfiles(n *yaml.Node) {
	n = resolve(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		r.errs = append(r.errs, fmt.Sprintf("%s in %s line %d: want one profile per name, such as sage_fr:, not a value or a list", profilesKey, r.path, n.Line))
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], resolve(n.Content[i+1])
		if k.Tag == "!!merge" {
			r.mergeProfiles(val)
			continue
		}
		key := profilesKey + "." + k.Value
		if k.Kind != yaml.ScalarNode {
			r.errs = append(r.errs, fmt.Sprintf("%s in %s line %d: want a profile name, not a list or a mapping", profilesKey, r.path, k.Line))
			continue
		}
		if line, dup := seen[k.Value]; dup {
			r.errs = append(r.errs, fmt.Sprintf("%s in %s line %d: profile already defined at line %d", key, r.path, k.Line, line))
			continue
		}
		seen[k.Value] = k.Line
		r.lines[key] = k.Line
		var p ingest.Profile
		if !isNull(val) {
			r.decode(val, reflect.ValueOf(&p).Elem(), key)
		}
		if r.profiles == nil {
			r.profiles = map[string]ingest.Profile{}
		}
		r.profiles[k.Value] = p
	}
}

// mergeProfiles applies a merge key inside import.profiles.
func (r *fileReader) mergeProfiles(n *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		r.readProfiles(n)
	case yaml.SequenceNode:
		for _, m := range n.Content {
			r.mergeProfiles(resolve(m))
		}
	}
}

// decode sets v, a profile or a part of one, from n, the value of key.
// Structs take their keys from their yaml tags, case-insensitively like the
// rest of the file, and refuse any other; maps keep their keys exactly; an
// empty map or list decodes as nil, so that "absent" and "empty" are the
// same; a null value leaves v as it is.
func (r *fileReader) decode(n *yaml.Node, v reflect.Value, key string) {
	n = resolve(n)
	if isNull(n) {
		return
	}
	fail := func(line int, format string, args ...any) {
		r.errs = append(r.errs, fmt.Sprintf("%s in %s line %d: ", key, r.path, line)+fmt.Sprintf(format, args...))
	}
	switch v.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			names := yamlNames(v.Type())
			fail(n.Line, "want a mapping with keys such as %s, not %s", strings.Join(names[:min(2, len(names))], " and "), kindOf(n))
			return
		}
		r.decodeStruct(n, v, key, map[string]int{})
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			fail(n.Line, "want a mapping, not %s", kindOf(n))
			return
		}
		m := reflect.MakeMap(v.Type())
		r.decodeMap(n, m, key, map[string]int{})
		if m.Len() > 0 {
			v.Set(m)
		} else {
			v.SetZero()
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			fail(n.Line, "want a list, not %s", kindOf(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			r.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", key, i))
		}
		if s.Len() > 0 {
			v.Set(s)
		} else {
			v.SetZero()
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			fail(n.Line, "want a single value, not %s", kindOf(n))
			return
		}
		// The text as written: 01 stays "01", yes stays "yes".
		v.SetString(n.Value)
	default:
		if err := n.Decode(v.Addr().Interface()); err != nil {
			fail(n.Line, "%s", oneLine(err.Error()))
		}
	}
}

// decodeStruct sets the fields of v from the mapping n; seen holds the line
// of each key already set, across merge keys.
func (r *fileReader) decodeStruct(n *yaml.Node, v reflect.Value, key string, seen map[string]int) {
	// Merged mappings first, so that the mapping's own keys win whatever
	// their order, as YAML wants.
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Tag == "!!merge" {
			r.mergeInto(resolve(n.Content[i+1]), func(m *yaml.Node) { r.decodeStruct(m, v, key, map[string]int{}) })
		}
	}
	names := yamlNames(v.Type())
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" {
			continue
		}
		name := strings.ToLower(k.Value)
		sub := key + "." + name
		j := slices.Index(names, name)
		if k.Kind != yaml.ScalarNode || j < 0 {
			msg := fmt.Sprintf("unknown key %s in %s line %d", key+"."+k.Value, r.path, k.Line)
			if s := closest(name, names); s != "" {
				msg += fmt.Sprintf(" (did you mean %s.%s?)", key, s)
			}
			r.errs = append(r.errs, msg)
			continue
		}
		if line, dup := seen[name]; dup {
			r.errs = append(r.errs, fmt.Sprintf("%s in %s line %d: already set at line %d", sub, r.path, k.Line, line))
			continue
		}
		seen[name] = k.Line
		r.lines[sub] = k.Line
		r.decode(val, v.Field(j), sub)
	}
}

// decodeMap adds the entries of the mapping n to m, keys exactly as written.
func (r *fileReader) decodeMap(n *yaml.Node, m reflect.Value, key string, seen map[string]int) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Tag == "!!merge" {
			r.mergeInto(resolve(n.Content[i+1]), func(sub *yaml.Node) { r.decodeMap(sub, m, key, map[string]int{}) })
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" {
			continue
		}
		if k.Kind != yaml.ScalarNode {
			r.errs = append(r.errs, fmt.Sprintf("%s in %s line %d: want text as a key, not %s", key, r.path, k.Line, kindOf(k)))
			continue
		}
		// Named as ingest.Profile.Validate names map entries: quoted in
		// brackets, or after a dot when plain (columns.number).
		sub := fmt.Sprintf("%s[%q]", key, k.Value)
		if line, dup := seen[k.Value]; dup {
			r.errs = append(r.errs, fmt.Sprintf("%s in %s line %d: already set at line %d", sub, r.path, k.Line, line))
			continue
		}
		seen[k.Value] = k.Line
		r.lines[sub] = k.Line
		if plainKey().MatchString(k.Value) {
			r.lines[key+"."+k.Value] = k.Line
		}
		elem := reflect.New(m.Type().Elem()).Elem()
		r.decode(val, elem, sub)
		m.SetMapIndex(reflect.ValueOf(k.Value).Convert(m.Type().Key()), elem)
	}
}

// mergeInto calls apply on the mapping, or each mapping of the list, that a
// merge key names.
func (r *fileReader) mergeInto(n *yaml.Node, apply func(*yaml.Node)) {
	switch n.Kind {
	case yaml.MappingNode:
		apply(n)
	case yaml.SequenceNode:
		for _, m := range n.Content {
			r.mergeInto(resolve(m), apply)
		}
	}
}

// yamlNames lists the yaml key of each field of the struct type t, by field
// index.
func yamlNames(t reflect.Type) []string {
	out := make([]string, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name == "" {
			name = strings.ToLower(t.Field(i).Name)
		}
		out[i] = name
	}
	return out
}

// closest returns the name in names nearest to an unknown one, or "" if
// none is near enough to be a typo.
func closest(unknown string, names []string) string {
	best, bestDist := "", max(2, len(unknown)/4)+1
	for _, n := range names {
		if d := distance(unknown, n); d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

// kindOf names what n is, for messages.
func kindOf(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return "a single value"
	}
}

// plainKey matches a map key that messages may name after a dot.
func plainKey() *regexp.Regexp {
	return regexp.MustCompile(`^[a-z_]+$`)
}

// profileName matches a valid profile name: what --profile can be given
// without quoting and what a dotted key can hold.
func profileName() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
}

// profileProblems checks the name of every profile and, through
// [ingest.Profile.Validate], its content, in name order.
func profileProblems(profiles map[string]ingest.Profile) []problem {
	var ps []problem
	valid := profileName()
	for _, name := range slices.Sorted(maps.Keys(profiles)) {
		if !valid.MatchString(name) {
			ps = append(ps, problem{profilesKey, fmt.Sprintf("%q is not a profile name (want letters, digits, _ and -, such as sage_fr)", name)})
			continue
		}
		if err := profiles[name].Validate(); err != nil {
			ps = append(ps, profileProblem(name, err)...)
		}
	}
	return ps
}

// profileProblem turns what Profile.Validate reports into problems whose
// keys are full paths (import.profiles.sage_fr.statuses["Rupture"]). An
// error that names no key stays under the profile's own.
func profileProblem(name string, err error) []problem {
	key := profilesKey + "." + name
	var pe *ingest.ProfileError
	if !errors.As(err, &pe) {
		return []problem{{key, oneLine(err.Error())}}
	}
	ps := make([]problem, len(pe.Problems))
	for i, p := range pe.Problems {
		ps[i] = problem{key + "." + p.Key, oneLine(p.Message)}
	}
	return ps
}
