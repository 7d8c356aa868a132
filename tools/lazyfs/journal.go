package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
)

// entry is one change of the namespace (a name created, removed or moved) that is not durable yet: as POSIX has it,
// it becomes durable when every directory it changed has been fsynced since. Until then a power loss undoes it.
type entry struct {
	seq  uint64
	what string
	// dirs are the backing inode numbers of the directories still to be fsynced.
	dirs map[uint64]bool
	undo func() error
	// committed runs once the change is durable (e.g. forgets the copy of a removed file).
	committed func()
}

// journal is the namespace changes not durable yet, in the order they happened.
type journal struct {
	mu        sync.Mutex
	entries   []*entry
	graveyard string
	buried    int
	seq       uint64
}

func newJournal(graveyard string) (*journal, error) {
	if err := os.RemoveAll(graveyard); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(graveyard, 0o700); err != nil {
		return nil, err
	}
	return &journal{graveyard: graveyard}, nil
}

// record adds a change of the directories `dirs`.
func (j *journal) record(what string, dirs []uint64, undo func() error, committed func()) {
	e := &entry{what: what, dirs: map[uint64]bool{}, undo: undo, committed: committed}
	for _, dir := range dirs {
		e.dirs[dir] = true
	}
	j.mu.Lock()
	j.seq++
	e.seq = j.seq
	j.entries = append(j.entries, e)
	j.mu.Unlock()
}

// bury keeps a hard link of `path` in the graveyard (on the backing file system), so that removing or replacing it can
// be undone; returns the link's path.
func (j *journal) bury(path string) (string, error) {
	j.mu.Lock()
	j.buried++
	grave := filepath.Join(j.graveyard, fmt.Sprintf("%d", j.buried))
	j.mu.Unlock()
	if err := os.Link(path, grave); err != nil {
		return "", err
	}
	return grave, nil
}

// dirSynced marks directory `dir` fsynced: every change whose directories are now all synced is durable.
func (j *journal) dirSynced(dir uint64) {
	j.commitWhere(func(e *entry) bool {
		delete(e.dirs, dir)
		return len(e.dirs) == 0
	})
}

// last is the sequence number of the newest change so far.
func (j *journal) last() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.seq
}

// commitAll makes every change durable (sync(2)).
func (j *journal) commitAll() {
	j.commitUpTo(^uint64(0))
}

// commitUpTo makes every change up to sequence number `seq` durable: with a metadata journal (ext4, XFS), one fsync
// commits every change of names made before it, in whatever directory.
func (j *journal) commitUpTo(seq uint64) {
	j.commitWhere(func(e *entry) bool { return e.seq <= seq })
}

// commitWhere makes the changes `durable` picks durable: it forgets them and runs what each does once committed.
func (j *journal) commitWhere(durable func(*entry) bool) {
	j.mu.Lock()
	var committed []*entry
	kept := j.entries[:0]
	for _, e := range j.entries {
		if durable(e) {
			committed = append(committed, e)
		} else {
			kept = append(kept, e)
		}
	}
	j.entries = kept
	j.mu.Unlock()
	for _, e := range committed {
		if e.committed != nil {
			e.committed()
		}
	}
}

// undoAll undoes every change not durable yet, newest first (a power loss); returns how many, and what failed.
func (j *journal) undoAll() (int, []error) {
	j.mu.Lock()
	entries := j.entries
	j.entries = nil
	j.mu.Unlock()
	var failures []error
	for i := len(entries) - 1; i >= 0; i-- {
		if err := entries[i].undo(); err != nil {
			failures = append(failures, fmt.Errorf("undoing %s: %w", entries[i].what, err))
		}
	}
	return len(entries), failures
}

// pending is how many changes are not durable yet.
func (j *journal) pending() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.entries)
}

// inodeOf is the inode number of `path` (not following a last symlink).
func inodeOf(path string) (uint64, error) {
	var st syscall.Stat_t
	if err := syscall.Lstat(path, &st); err != nil {
		return 0, err
	}
	return st.Ino, nil
}

// removeName undoes the creation of `path`: a directory with what it holds, or one name of a file.
func removeName(path string) error {
	info, err := os.Lstat(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if info.IsDir() {
		return os.RemoveAll(path)
	}
	return os.Remove(path)
}
