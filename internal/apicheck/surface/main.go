// Command surface prints the exported API of ccotel's public packages, one
// line per package: top-level identifiers (funcs, types, vars, consts),
// methods, and exported fields of exported types. scripts/surface.sh runs
// it; with -list it prints every identifier instead.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/ccotel/ccotel/internal/apicheck"
)

func main() {
	list := flag.Bool("list", false, "print every exported identifier")
	flag.Parse()
	root := "."
	if flag.NArg() > 0 {
		root = flag.Arg(0)
	}
	pkgs, err := apicheck.Public(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if !*list {
		fmt.Printf("%-28s %9s %8s %7s\n", "package", "top-level", "methods", "fields")
	}
	for _, p := range pkgs {
		counts := map[string]int{}
		for _, d := range p.Exported() {
			if *list {
				fmt.Printf("%s\t%s\t%s\n", p.Path, d.Kind, d.Name)
			}
			switch d.Kind {
			case "method":
				counts["method"]++
			case "field":
				counts["field"]++
			default:
				counts["top"]++
			}
		}
		if !*list {
			fmt.Printf("%-28s %9d %8d %7d\n", p.Path, counts["top"], counts["method"], counts["field"])
		}
	}
}
