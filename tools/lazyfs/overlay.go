package main

import (
	"io"
	"os"
	"slices"
	"sync"
	"syscall"
)

// pageSize is the unit in which unsynced writes are kept.
const pageSize = 4096

// maxRunPages bounds one write of consecutive pages on write-back (1 MiB).
const maxRunPages = 256

// overlay holds a file's writes (and size changes) that were not fsynced yet: the page cache of this layer. Reads
// see the backing file with the overlay on top; an fsync writes the overlay to the backing file and syncs it; a power
// loss forgets it.
type overlay struct {
	pages map[int64][]byte
	size  int64
	// file is the overlay's own descriptor of the backing file, so that it can be written back after every handle
	// of the file was closed (dirty pages outlive close(2), as in the page cache).
	file *os.File
}

// cache is every file's overlay, keyed by the backing file's inode number, with the dirty-byte budget.
type cache struct {
	mu       sync.Mutex
	files    map[uint64]*overlay
	dirty    int64
	maxDirty int64
}

func newCache(maxDirty int64) *cache {
	return &cache{files: map[uint64]*overlay{}, maxDirty: maxDirty}
}

// overlayOf returns the overlay of `ino`, created with the backing file's size. Call with mu held.
func (c *cache) overlayOf(ino uint64, backing *os.File) (*overlay, error) {
	if o := c.files[ino]; o != nil {
		return o, nil
	}
	info, err := backing.Stat()
	if err != nil {
		return nil, err
	}
	fd, err := syscall.Dup(int(backing.Fd()))
	if err != nil {
		return nil, err
	}
	o := &overlay{pages: map[int64][]byte{}, size: info.Size(), file: os.NewFile(uintptr(fd), backing.Name())}
	c.files[ino] = o
	return o, nil
}

// page returns page `index` of `o`, loaded from the backing file (zeros past its end) when not dirty yet.
func (c *cache) page(o *overlay, index int64) ([]byte, error) {
	if p := o.pages[index]; p != nil {
		return p, nil
	}
	p := make([]byte, pageSize)
	if _, err := o.file.ReadAt(p, index*pageSize); err != nil && err != io.EOF {
		return nil, err
	}
	// Bytes past the overlay's size read as zeros, even where the backing file still has older data.
	if end := o.size - index*pageSize; end < pageSize {
		clear(p[max(end, 0):])
	}
	o.pages[index] = p
	c.dirty += pageSize
	return p, nil
}

// write puts `data` at `off` into the overlay of `ino`.
func (c *cache) write(ino uint64, backing *os.File, data []byte, off int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	o, err := c.overlayOf(ino, backing)
	if err != nil {
		return err
	}
	for done := 0; done < len(data); {
		at := off + int64(done)
		p, err := c.page(o, at/pageSize)
		if err != nil {
			return err
		}
		done += copy(p[at%pageSize:], data[done:])
	}
	o.size = max(o.size, off+int64(len(data)))
	if c.maxDirty > 0 && c.dirty > c.maxDirty {
		// Past the budget, as the kernel writes dirty pages back under memory pressure: this file's pages reach the
		// backing file (the disk), unsynced but no longer lost on a power loss.
		return c.writeBack(ino, o, false)
	}
	return nil
}

// truncate sets the size of `ino` in its overlay.
func (c *cache) truncate(ino uint64, backing *os.File, size int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	o, err := c.overlayOf(ino, backing)
	if err != nil {
		return err
	}
	if size < o.size && size%pageSize != 0 {
		// The tail of the last page must read as zeros if the file grows again.
		p, err := c.page(o, size/pageSize)
		if err != nil {
			return err
		}
		clear(p[size%pageSize:])
	}
	for index := range o.pages {
		if index*pageSize >= size {
			delete(o.pages, index)
			c.dirty -= pageSize
		}
	}
	o.size = size
	return nil
}

// read fills `dest` from `off`: the backing file with the overlay on top, up to the overlay's size.
func (c *cache) read(ino uint64, backing *os.File, dest []byte, off int64) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	o := c.files[ino]
	if o == nil {
		n, err := backing.ReadAt(dest, off)
		if err == io.EOF {
			err = nil
		}
		return n, err
	}
	if off >= o.size {
		return 0, nil
	}
	dest = dest[:min(int64(len(dest)), o.size-off)]
	for done := 0; done < len(dest); {
		at := off + int64(done)
		index := at / pageSize
		chunk := dest[done:min(len(dest), done+int(pageSize-at%pageSize))]
		if p := o.pages[index]; p != nil {
			copy(chunk, p[at%pageSize:])
		} else {
			n, err := backing.ReadAt(chunk, at)
			if err != nil && err != io.EOF {
				return done, err
			}
			clear(chunk[n:])
		}
		done += len(chunk)
	}
	return len(dest), nil
}

// size is the size of `ino` as its overlay has it, and whether it has one.
func (c *cache) size(ino uint64) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if o := c.files[ino]; o != nil {
		return o.size, true
	}
	return 0, false
}

// sync writes the overlay of `ino` to the backing file and fdatasyncs it: from now on it survives a power loss.
func (c *cache) sync(ino uint64, backing *os.File) error {
	c.mu.Lock()
	var err error
	if o := c.files[ino]; o != nil {
		err = c.writeBack(ino, o, false)
	}
	c.mu.Unlock()
	if err != nil {
		return err
	}
	// Outside the lock, so other files' reads and writes go on meanwhile. The data is in the backing file already, so
	// a power loss from here on keeps it, as a crash after the kernel's own write-back would.
	return syscall.Fdatasync(int(backing.Fd()))
}

// writeBack writes `o` to the backing file (and fdatasyncs it with `durable`), and forgets it. Call with mu held.
func (c *cache) writeBack(ino uint64, o *overlay, durable bool) error {
	// In file order, runs of consecutive pages in one write each (a log's appends are one run).
	indexes := make([]int64, 0, len(o.pages))
	for index := range o.pages {
		if index*pageSize < o.size {
			indexes = append(indexes, index)
		}
	}
	slices.Sort(indexes)
	for first := 0; first < len(indexes); {
		last := first
		for last+1 < len(indexes) && indexes[last+1] == indexes[last]+1 && last-first < maxRunPages {
			last++
		}
		run := make([]byte, 0, (last-first+1)*pageSize)
		for _, index := range indexes[first : last+1] {
			run = append(run, o.pages[index]...)
		}
		start := indexes[first] * pageSize
		if _, err := o.file.WriteAt(run[:min(int64(len(run)), o.size-start)], start); err != nil {
			return err
		}
		first = last + 1
	}
	if err := o.file.Truncate(o.size); err != nil {
		return err
	}
	if durable {
		if err := syscall.Fdatasync(int(o.file.Fd())); err != nil {
			return err
		}
	}
	c.dirty -= int64(len(o.pages)) * pageSize
	delete(c.files, ino)
	return o.file.Close()
}

// syncAll writes every overlay back and syncs it (sync(2)): nothing unsynced is left.
func (c *cache) syncAll() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for ino, o := range c.files {
		if err := c.writeBack(ino, o, true); err != nil {
			return err
		}
	}
	return nil
}

// dropAll forgets every overlay (a power loss) and returns how many dirty bytes were lost.
func (c *cache) dropAll() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	lost := c.dirty
	for _, o := range c.files {
		o.file.Close()
	}
	c.files = map[uint64]*overlay{}
	c.dirty = 0
	return lost
}

// dirtyBytes is how much unsynced data the layer holds.
func (c *cache) dirtyBytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dirty
}
