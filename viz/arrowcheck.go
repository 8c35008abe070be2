package viz

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// checkArrowFooter bounds-checks the footer of an Arrow IPC file before
// arrow-go reads it. arrow-go (v18.8.0) checks record-batch blocks against
// the file's size, but sizes slices from the schema's flatbuffer vector
// lengths as they are (ipc.metadataFromFB): one corrupt byte there asked
// for 68 GB, an out-of-memory no recover can catch. So every vector and
// string the schema reading meets (fields and their children, names,
// key-value metadata, a union's type ids, the block lists) must lie inside
// the footer, and tables must nest at most maxArrowDepth deep. A file that
// does not end like an Arrow file is left to arrow-go's own error.
//
// Layout and slot numbers are those of the Arrow columnar format's
// File.fbs and Schema.fbs (Footer, Schema, Field, KeyValue, Union,
// DictionaryEncoding).
func checkArrowFooter(f *os.File) error {
	info, err := f.Stat()
	if err != nil {
		return err
	}
	size := info.Size()
	const trailer = 10 // int32 footer length, then "ARROW1"
	if size < trailer+8 {
		return nil
	}
	var tail [trailer]byte
	if _, err := f.ReadAt(tail[:], size-trailer); err != nil {
		return nil
	}
	if string(tail[4:]) != "ARROW1" {
		return nil
	}
	n := int64(int32(binary.LittleEndian.Uint32(tail[:4])))
	if n <= 0 || n > size-trailer-8 {
		return fmt.Errorf("%w: Arrow footer of %d bytes in a file of %d", ErrCorrupt, n, size)
	}
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, size-trailer-n); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	fb := flatbuf{b: buf}
	fb.footer()
	if fb.err != nil {
		return fmt.Errorf("%w: Arrow footer: %v", ErrCorrupt, fb.err)
	}
	return nil
}

// checkArrowSchemaMeta bounds-checks the Arrow schema a Parquet file
// keeps in its "ARROW:schema" metadata (base64 of an IPC message, with or
// without the 0xFFFFFFFF continuation marker), for the reason
// checkArrowFooter gives. What does not decode is left to arrow-go.
func checkArrowSchemaMeta(s string) error {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil
	}
	if len(b) >= 8 && binary.LittleEndian.Uint32(b) == 0xFFFFFFFF {
		b = b[4:]
	}
	if len(b) < 4 {
		return nil
	}
	n := int64(int32(binary.LittleEndian.Uint32(b)))
	if n <= 0 || n > int64(len(b))-4 {
		return fmt.Errorf("%w: ARROW:schema message of %d bytes in %d", ErrCorrupt, n, len(b)-4)
	}
	fb := flatbuf{b: b[4 : 4+n]}
	// Message: version 0, header_type 1, header 2 (a Schema when 1).
	root := fb.table(fb.u32(0))
	if at := fb.field(root, 1); at >= 0 && at < int64(len(fb.b)) && fb.b[at] == 1 {
		fb.schema(fb.table(fb.ref(fb.field(root, 2))))
	}
	if fb.err != nil {
		return fmt.Errorf("%w: ARROW:schema: %v", ErrCorrupt, fb.err)
	}
	return nil
}

// maxArrowDepth bounds the nesting of fields (a list of structs of ...).
const maxArrowDepth = 64

// flatbuf walks a flatbuffer, checking every offset it follows against
// the buffer; the first violation is kept in err and stops the walk.
type flatbuf struct {
	b   []byte
	err error
}

func (f *flatbuf) fail(format string, args ...any) {
	if f.err == nil {
		f.err = fmt.Errorf(format, args...)
	}
}

func (f *flatbuf) u32(at int64) int64 {
	if f.err != nil || at < 0 || at+4 > int64(len(f.b)) {
		f.fail("offset %d outside the flatbuffer", at)
		return 0
	}
	return int64(binary.LittleEndian.Uint32(f.b[at:]))
}

func (f *flatbuf) u16(at int64) int64 {
	if f.err != nil || at < 0 || at+2 > int64(len(f.b)) {
		f.fail("offset %d outside the flatbuffer", at)
		return 0
	}
	return int64(binary.LittleEndian.Uint16(f.b[at:]))
}

// table checks the table at pos and its vtable; it returns pos, or -1
// (also for pos -1, an absent table).
func (f *flatbuf) table(pos int64) int64 {
	if pos < 0 || f.err != nil {
		return -1
	}
	soff := int64(int32(f.u32(pos)))
	vt := pos - soff
	vsize, osize := f.u16(vt), f.u16(vt+2)
	if f.err != nil {
		return -1
	}
	if vsize < 4 || vt+vsize > int64(len(f.b)) || pos+osize > int64(len(f.b)) {
		f.fail("table at %d: vtable of %d bytes at %d", pos, vsize, vt)
		return -1
	}
	return pos
}

// field is the absolute position of slot s of the table at pos, or -1
// when the table does not have it.
func (f *flatbuf) field(pos int64, s int) int64 {
	if pos < 0 || f.err != nil {
		return -1
	}
	vt := pos - int64(int32(f.u32(pos)))
	if 4+2*int64(s) >= f.u16(vt) {
		return -1
	}
	off := f.u16(vt + 4 + 2*int64(s))
	if off == 0 {
		return -1
	}
	return pos + off
}

// ref follows the offset stored at at (a table, vector or string); -1
// when at is -1.
func (f *flatbuf) ref(at int64) int64 {
	if at < 0 || f.err != nil {
		return -1
	}
	to := at + f.u32(at)
	if to >= int64(len(f.b)) {
		f.fail("reference at %d points past the flatbuffer", at)
		return -1
	}
	return to
}

// vector checks the vector in slot s of the table at pos, of elements of
// elem bytes, and returns the position of its first element and its
// length (-1, 0 when absent).
func (f *flatbuf) vector(pos int64, s int, elem int64) (int64, int64) {
	at := f.ref(f.field(pos, s))
	if at < 0 {
		return -1, 0
	}
	n := f.u32(at)
	if at+4+n*elem > int64(len(f.b)) {
		f.fail("vector of %d elements of %d bytes at %d runs past the flatbuffer (%d bytes)", n, elem, at, len(f.b))
		return -1, 0
	}
	return at + 4, n
}

// tables visits the tables of a vector of tables.
func (f *flatbuf) tables(pos int64, s int, visit func(int64)) {
	start, n := f.vector(pos, s, 4)
	for i := int64(0); i < n && f.err == nil; i++ {
		if t := f.table(f.ref(start + 4*i)); t >= 0 {
			visit(t)
		}
	}
}

// Footer: version 0, schema 1, dictionaries 2, recordBatches 3 (Block
// structs of 24 bytes), custom_metadata 4.
func (f *flatbuf) footer() {
	root := f.table(f.u32(0))
	if schema := f.ref(f.field(root, 1)); schema >= 0 {
		f.schema(f.table(schema))
	}
	f.vector(root, 2, 24)
	f.vector(root, 3, 24)
	f.metadata(root, 4)
}

// Schema: endianness 0, fields 1, custom_metadata 2, features 3 (int64).
func (f *flatbuf) schema(pos int64) {
	f.tables(pos, 1, func(t int64) { f.fieldTable(t, 1) })
	f.metadata(pos, 2)
	f.vector(pos, 3, 8)
}

// Field: name 0, nullable 1, type_type 2, type 3, dictionary 4,
// children 5, custom_metadata 6.
func (f *flatbuf) fieldTable(pos int64, depth int) {
	if depth > maxArrowDepth {
		f.fail("fields nested more than %d deep", maxArrowDepth)
		return
	}
	f.vector(pos, 0, 1)
	typ := f.table(f.ref(f.field(pos, 3)))
	if at := f.field(pos, 2); at >= 0 && at < int64(len(f.b)) && f.b[at] == 14 && typ >= 0 {
		f.vector(typ, 1, 4) // Union: mode 0, typeIds 1
	}
	if dict := f.table(f.ref(f.field(pos, 4))); dict >= 0 {
		f.table(f.ref(f.field(dict, 1))) // DictionaryEncoding: indexType 1
	}
	f.tables(pos, 5, func(t int64) { f.fieldTable(t, depth+1) })
	f.metadata(pos, 6)
}

// metadata checks a vector of KeyValue tables (key 0, value 1).
func (f *flatbuf) metadata(pos int64, s int) {
	f.tables(pos, s, func(t int64) {
		f.vector(t, 0, 1)
		f.vector(t, 1, 1)
	})
}
