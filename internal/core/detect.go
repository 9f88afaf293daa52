package core

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"go.opentelemetry.io/otel/attribute"
)

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// TaggedID renders a UUID as the Anthropic admin API's tagged id, as Claude
// Code's toTaggedId does: tag + "_01" + 22 base58 digits of the 128-bit value.
// A value that is not a UUID is returned as tag_value.
func TaggedID(tag, uuid string) string {
	h := strings.ReplaceAll(uuid, "-", "")
	n, ok := new(big.Int).SetString(h, 16)
	if len(h) != 32 || !ok {
		return tag + "_" + uuid
	}
	var out [22]byte
	for i := range out {
		out[i] = base58Alphabet[0]
	}
	base, rem := big.NewInt(58), new(big.Int)
	for i := len(out) - 1; i >= 0 && n.Sign() > 0; i-- {
		n.DivMod(n, base, rem)
		out[i] = base58Alphabet[rem.Int64()]
	}
	return tag + "_01" + string(out[:])
}

// DefaultUserID derives a stable, anonymous 64-hex install id from the machine
// id and the OS user, so no file has to be written to keep it stable. Claude
// Code stores a random one in ~/.claude.json; a host that has that value can
// pass it instead.
func DefaultUserID() string {
	h := sha256.New()
	h.Write([]byte("ccotel user.id v1\x00"))
	h.Write([]byte(MachineID()))
	h.Write([]byte{0})
	if u, err := user.Current(); err == nil {
		h.Write([]byte(u.Uid + "\x00" + u.Username))
	}
	if host, err := os.Hostname(); err == nil {
		h.Write([]byte{0})
		h.Write([]byte(host))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// MachineID is /etc/machine-id (or the D-Bus copy), trimmed; "" when absent.
func MachineID() string {
	for _, p := range []string{"/etc/machine-id", "/var/lib/dbus/machine-id"} {
		if b, err := os.ReadFile(p); err == nil {
			if id := strings.TrimSpace(string(b)); id != "" {
				return id
			}
		}
	}
	return ""
}

// Repository is the git origin of the working directory, as the vcs.*
// attributes of OTEL_METRICS_INCLUDE_REPOSITORY.
type Repository struct {
	URL      string // vcs.repository.url.full, https form without .git
	Owner    string // vcs.owner.name
	Name     string // vcs.repository.name
	Provider string // vcs.provider.name: github, gitlab, bitbucket, or the host
}

// Attributes returns the four vcs.* attributes in Claude Code's order.
func (r *Repository) Attributes() []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String("vcs.repository.url.full", r.URL),
		attribute.String("vcs.owner.name", r.Owner),
		attribute.String("vcs.repository.name", r.Name),
		attribute.String("vcs.provider.name", r.Provider),
	}
}

// DetectRepository reads the origin remote of the git repository containing
// dir, without running git. It returns nil when there is none.
func DetectRepository(dir string) *Repository {
	gitDir := findGitDir(dir)
	if gitDir == "" {
		return nil
	}
	f, err := os.Open(filepath.Join(gitDir, "config"))
	if err != nil {
		return nil
	}
	defer f.Close()
	inOrigin := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			inOrigin = line == `[remote "origin"]`
			continue
		}
		if !inOrigin {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if ok && strings.TrimSpace(k) == "url" {
			return ParseRemote(strings.TrimSpace(v))
		}
	}
	return nil
}

func findGitDir(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, ".git")
		if fi, err := os.Stat(p); err == nil {
			if fi.IsDir() {
				return p
			}
			// A worktree or submodule: ".git" is a file "gitdir: <path>".
			if b, err := os.ReadFile(p); err == nil {
				if g, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:"); ok {
					g = strings.TrimSpace(g)
					if !filepath.IsAbs(g) {
						g = filepath.Join(dir, g)
					}
					if c := filepath.Join(g, "commondir"); fileExists(c) {
						if cb, err := os.ReadFile(c); err == nil {
							cd := strings.TrimSpace(string(cb))
							if !filepath.IsAbs(cd) {
								cd = filepath.Join(g, cd)
							}
							return cd
						}
					}
					return g
				}
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// ParseRemote turns a git remote URL (https, ssh or scp-like) into a
// Repository; nil when it names no owner and repository.
func ParseRemote(remote string) *Repository {
	var host, path string
	if u, err := url.Parse(remote); err == nil && u.Scheme != "" && u.Host != "" {
		host, path = u.Hostname(), u.Path
	} else if at := strings.Index(remote, "@"); at >= 0 && strings.Contains(remote[at:], ":") {
		rest := remote[at+1:]
		host, path, _ = strings.Cut(rest, ":")
	} else {
		return nil
	}
	path = strings.TrimSuffix(strings.Trim(path, "/"), ".git")
	i := strings.LastIndex(path, "/")
	if host == "" || i <= 0 || i == len(path)-1 {
		return nil
	}
	owner, name := path[:i], path[i+1:]
	provider := host
	switch {
	case host == "github.com" || strings.HasSuffix(host, ".github.com") || strings.Contains(host, "github"):
		provider = "github"
	case strings.Contains(host, "gitlab"):
		provider = "gitlab"
	case strings.Contains(host, "bitbucket"):
		provider = "bitbucket"
	}
	return &Repository{
		URL:      "https://" + host + "/" + path,
		Owner:    owner,
		Name:     name,
		Provider: provider,
	}
}
