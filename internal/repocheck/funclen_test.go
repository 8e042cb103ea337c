package repocheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// maxLines is the longest a function may be, from its func line to its
// closing brace: past it, a function is usually doing several things, each
// of which deserves a name.
const maxLines = 100

// longFunctions are the functions still longer than maxLines, each with
// why it is not split yet. An entry is removed once its function is split:
// the test fails on an entry whose function is short, or gone.
var longFunctions = map[string]string{}

// TestNoLongFunctions parses every Go file of the module but tests and
// fails on a function longer than maxLines that longFunctions does not
// excuse.
func TestNoLongFunctions(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	lengths := map[string]int{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Body != nil {
				n := fset.Position(fn.End()).Line - fset.Position(fn.Type.Func).Line + 1
				lengths[filepath.ToSlash(rel)+":"+funcName(fn)] = n
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var long []string
	for name, n := range lengths {
		if n > maxLines {
			long = append(long, fmt.Sprintf("%s (%d lines)", name, n))
		}
	}
	sort.Strings(long)
	for _, l := range long {
		if name, _, _ := strings.Cut(l, " ("); longFunctions[name] == "" {
			t.Errorf("%s is longer than %d lines: split it along its steps", l, maxLines)
		}
	}
	for name := range longFunctions {
		if n, ok := lengths[name]; !ok || n <= maxLines {
			t.Errorf("%s is no longer a long function (%d lines): remove it from longFunctions", name, n)
		}
	}
}

// funcName is a function's name, with its receiver's type for a method
// (Store.importOrders).
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	t := fn.Recv.List[0].Type
	if star, ok := t.(*ast.StarExpr); ok {
		t = star.X
	}
	switch x := t.(type) {
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name + "." + fn.Name.Name
	}
	return fn.Name.Name
}
