using System.Numerics;
using System.Text;

namespace XaiVision.Engine.Models.Weights;

/// <summary>A Python global named in a pickle (module + name), resolved only through an allow-list.</summary>
public sealed record PyGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>A value the reader keeps only as a description (a NumPy scalar in a checkpoint): data, never code.</summary>
public sealed record PyOpaque(string What);

/// <summary>An ordered Python dict (OrderedDict and plain dict alike).</summary>
public sealed class PyDict : List<KeyValuePair<object, object?>>
{
    public void Set(object key, object? value)
    {
        int i = FindIndex(kv => Equals(kv.Key, key));
        if (i >= 0) this[i] = new(key, value);
        else Add(new(key, value));
    }
}

/// <summary>
/// A pickle virtual machine that builds only plain data (None, bools, ints, floats, strings,
/// bytes, tuples, lists, dicts) and calls nothing but the callables its owner allows. Any other
/// global — <c>os.system</c>, <c>builtins.eval</c>, a model class — is refused before it is
/// touched, so a hostile <c>.pth</c> can neither execute code nor construct arbitrary types.
/// Covers protocols 0–5 as written by <c>torch.save</c>.
/// </summary>
public sealed class SafeUnpickler(
    Stream stream,
    IReadOnlyDictionary<PyGlobal, Func<object?[], object?>> callables,
    Func<object?, object?> persistentLoad)
{
    static readonly object Mark = new();
    readonly BinaryReader _reader = new(stream, Encoding.UTF8, leaveOpen: true);
    readonly Dictionary<long, object?> _memo = new();
    readonly List<object?> _stack = new();
    readonly Stack<int> _marks = new();

    public object? Load()
    {
        _stack.Clear();
        _marks.Clear();
        _memo.Clear();
        while (true)
        {
            int op = stream.ReadByte();
            if (op < 0) throw Bad("the pickle ends before its STOP opcode (truncated file?)");
            switch ((byte)op)
            {
                case 0x80: _reader.ReadByte(); break; // PROTO
                case 0x95: _reader.ReadInt64(); break; // FRAME
                case (byte)'.': return Pop(); // STOP
                case (byte)'(': _marks.Push(_stack.Count); break; // MARK
                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case (byte)'K': Push((long)_reader.ReadByte()); break; // BININT1
                case (byte)'M': Push((long)_reader.ReadUInt16()); break; // BININT2
                case (byte)'J': Push((long)_reader.ReadInt32()); break; // BININT
                case 0x8a: Push(ReadLong(_reader.ReadByte())); break; // LONG1
                case 0x8b: Push(ReadLong(CheckedLength(_reader.ReadInt32()))); break; // LONG4
                case (byte)'I': Push(ParseIntLine(ReadLine())); break; // INT (protocol 0)
                case (byte)'L': Push(long.Parse(ReadLine().TrimEnd('L'))); break; // LONG (protocol 0)
                case (byte)'G': Push(BitConverter.Int64BitsToDouble(System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(_reader.ReadBytes(8)))); break;
                case (byte)'F': Push(double.Parse(ReadLine(), System.Globalization.CultureInfo.InvariantCulture)); break;
                case (byte)'X': Push(ReadUtf8(CheckedLength(_reader.ReadInt32()))); break; // BINUNICODE
                case 0x8c: Push(ReadUtf8(_reader.ReadByte())); break; // SHORT_BINUNICODE
                case 0x8d: Push(ReadUtf8(CheckedLength(_reader.ReadInt64()))); break; // BINUNICODE8
                case (byte)'T': Push(ReadBytes(CheckedLength(_reader.ReadInt32()))); break; // BINSTRING
                case (byte)'U': Push(ReadBytes(_reader.ReadByte())); break; // SHORT_BINSTRING
                case (byte)'B': Push(ReadBytes(CheckedLength(_reader.ReadInt32()))); break; // BINBYTES
                case (byte)'C': Push(ReadBytes(_reader.ReadByte())); break; // SHORT_BINBYTES
                case 0x8e: Push(ReadBytes(CheckedLength(_reader.ReadInt64()))); break; // BINBYTES8
                case (byte)'V': Push(ReadLine()); break; // UNICODE (protocol 0)
                case (byte)')': Push(Array.Empty<object?>()); break; // EMPTY_TUPLE
                case 0x85: Push(new[] { Pop() }); break; // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; } // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; } // TUPLE3
                case (byte)'t': Push(PopMarked().ToArray()); break; // TUPLE
                case (byte)']': Push(new List<object?>()); break; // EMPTY_LIST
                case (byte)'l': Push(PopMarked()); break; // LIST
                case (byte)'a': { var v = Pop(); AsList(Peek()).Add(v); break; } // APPEND
                case (byte)'e': { var items = PopMarked(); AsList(Peek()).AddRange(items); break; } // APPENDS
                case (byte)'}': Push(new PyDict()); break; // EMPTY_DICT
                case (byte)'d': Push(ToDict(PopMarked())); break; // DICT
                case (byte)'s': { var v = Pop(); var k = Pop(); AsDict(Peek()).Set(Key(k), v); break; } // SETITEM
                case (byte)'u': { var items = PopMarked(); var d = AsDict(Peek()); for (int i = 0; i + 1 < items.Count; i += 2) d.Set(Key(items[i]), items[i + 1]); break; } // SETITEMS
                case 0x8f: Push(new List<object?>()); break; // EMPTY_SET (kept as a list)
                case 0x90: { var items = PopMarked(); AsList(Peek()).AddRange(items); break; } // ADDITEMS
                case 0x91: Push(PopMarked()); break; // FROZENSET
                case (byte)'p': _memo[ParseIntLine(ReadLine())] = Peek(); break; // PUT
                case (byte)'q': _memo[_reader.ReadByte()] = Peek(); break; // BINPUT
                case (byte)'r': _memo[_reader.ReadUInt32()] = Peek(); break; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Peek(); break; // MEMOIZE
                case (byte)'g': Push(Memo(ParseIntLine(ReadLine()))); break; // GET
                case (byte)'h': Push(Memo(_reader.ReadByte())); break; // BINGET
                case (byte)'j': Push(Memo(_reader.ReadUInt32())); break; // LONG_BINGET
                case (byte)'0': Pop(); break; // POP
                case (byte)'1': PopMarked(); break; // POP_MARK
                case (byte)'2': Push(Peek()); break; // DUP
                case (byte)'c': Push(Resolve(new PyGlobal(ReadLine(), ReadLine()))); break; // GLOBAL
                case 0x93: { var name = Pop() as string; var module = Pop() as string; Push(Resolve(new PyGlobal(module ?? "?", name ?? "?"))); break; } // STACK_GLOBAL
                case (byte)'R': { var args = Pop() as object?[] ?? throw Bad("REDUCE without an argument tuple"); Push(Call(Pop(), args)); break; } // REDUCE
                case 0x81: { var args = Pop() as object?[] ?? throw Bad("NEWOBJ without an argument tuple"); Push(Call(Pop(), args)); break; } // NEWOBJ
                case (byte)'b': Pop(); break; // BUILD: state of an allowed object (OrderedDict metadata); ignored
                case (byte)'Q': Push(persistentLoad(Pop())); break; // BINPERSID
                default:
                    throw Bad($"opcode 0x{op:x2} is not allowed in a weight file");
            }
        }
    }

    object Resolve(PyGlobal global) =>
        callables.ContainsKey(global)
            ? global
            : throw new XaiVisionException(
                $"Refusing to load: the pickle wants to use '{global}', which is not a tensor, a state dict or plain checkpoint data. Nothing else in a pickle is ever run.");

    object? Call(object? callable, object?[] args) =>
        callable is PyGlobal g && callables.TryGetValue(g, out var f)
            ? f(args)
            : throw new XaiVisionException($"Refusing to load: the pickle calls '{callable}', which is not allowed.");

    static object Key(object? key) => key ?? throw new XaiVisionException("A dict key in the pickle is None.");

    static PyDict ToDict(List<object?> items)
    {
        var d = new PyDict();
        for (int i = 0; i + 1 < items.Count; i += 2) d.Set(Key(items[i]), items[i + 1]);
        return d;
    }

    static List<object?> AsList(object? o) => o as List<object?> ?? throw Bad("APPEND to something that is not a list");
    static PyDict AsDict(object? o) => o as PyDict ?? throw Bad("SETITEM on something that is not a dict");

    object? Memo(long key) => _memo.TryGetValue(key, out var v) ? v : throw Bad($"memo key {key} is not defined");
    void Push(object? o) => _stack.Add(o);

    object? Peek() => _stack.Count > 0 ? _stack[^1] : throw Bad("stack underflow");

    object? Pop()
    {
        var o = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        if (ReferenceEquals(o, Mark)) throw Bad("unexpected MARK");
        return o;
    }

    List<object?> PopMarked()
    {
        if (_marks.Count == 0) throw Bad("no MARK on the stack");
        int start = _marks.Pop();
        if (start > _stack.Count) throw Bad("MARK beyond the stack");
        var items = _stack.GetRange(start, _stack.Count - start);
        _stack.RemoveRange(start, _stack.Count - start);
        return items;
    }

    string ReadLine()
    {
        var sb = new StringBuilder();
        while (true)
        {
            int b = stream.ReadByte();
            if (b < 0) throw Bad("the pickle ends inside a text line");
            if (b == '\n') return sb.ToString();
            if (sb.Length > 4096) throw Bad("a text line is too long");
            sb.Append((char)b);
        }
    }

    static long ParseIntLine(string line) => line switch
    {
        "00" => 0,
        "01" => 1,
        _ => long.Parse(line),
    };

    int CheckedLength(long length)
    {
        long remaining = stream.CanSeek ? stream.Length - stream.Position : int.MaxValue;
        if (length < 0 || length > remaining) throw Bad($"a length of {length} runs past the end of the data");
        return (int)length;
    }

    byte[] ReadBytes(int length)
    {
        var bytes = _reader.ReadBytes(CheckedLength(length));
        if (bytes.Length != length) throw Bad("the pickle ends inside a string");
        return bytes;
    }

    string ReadUtf8(int length) => Encoding.UTF8.GetString(ReadBytes(length));

    object ReadLong(int length)
    {
        var bytes = ReadBytes(length);
        var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : value;
    }

    static XaiVisionException Bad(string what) => new($"Malformed weight file: {what}.");
}
