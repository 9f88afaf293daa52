// Command cmd writes events/zz_events.go and docs/EVENTS.md from the
// eventspec table. Run it with go generate in package events.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ccotel/ccotel/events/internal/gen"
)

func main() {
	src, err := gen.Go()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Stderr.Write(src)
		os.Exit(1)
	}
	// go generate runs in the events directory.
	if err := os.WriteFile("zz_events.go", src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(filepath.Join("..", "docs", "EVENTS.md"), gen.Markdown(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
