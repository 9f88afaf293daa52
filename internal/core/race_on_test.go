//go:build race

package core

// The race detector moves values to the heap that escape analysis keeps on
// the stack otherwise, so allocation counts hold only without it.
const raceEnabled = true
