using System.Buffers.Binary;
using System.IO;

namespace Solidb.Cluster.Protocol;

/// <summary>
/// The read-only stream Hyperion deserializes protocol payloads from. Hyperion allocates a buffer
/// of whatever length a payload claims before it reads the bytes (strings, byte arrays, type
/// names, arrays: a 4-byte length), so a 100-byte payload claiming a 2 GB string made the node
/// allocate 2 GB (found by WireFuzzSpecs: RSS 157 MB -> 7.3 GB in 10 s). Every length Hyperion
/// reads is a 4-byte read; no 4-byte value in a protocol message is legitimately larger than
/// <see cref="MaxLength"/> (strings fit in a frame of 256 kB; the only other 4-byte fields are the
/// HLC's 20-bit logical counter and enums), so a larger one fails the read before any allocation.
/// The one 4-byte read that is no number is the text of a 4-byte string: Hyperion announces it with
/// a length byte of 5 (length + 1) right before, and it is not checked (a node id like "node" made
/// every message refused before).
/// A read the payload cannot fill throws (a truncated payload): Hyperion 0.12's own reads loop and
/// throw on a short read, but a partial read must never leave a length to stale bytes of its
/// buffer, whatever the reader does with it (LengthCheckedStreamTests).
/// </summary>
public sealed class LengthCheckedStream(byte[] bytes) : Stream
{
    /// <summary>2^20: above every legitimate length and the HLC's logical counter (20 bits).</summary>
    public const int MaxLength = 1 << 20;

    /// <summary>The length byte Hyperion writes before a string of 4 bytes (length + 1).</summary>
    private const int FourByteString = 5;

    private int _position;
    private bool _stringFollows;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => bytes.Length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var stringFollows = _stringFollows;
        _stringFollows = false;
        if (buffer.Length == 0)
        {
            return 0;
        }

        if (buffer.Length > bytes.Length - _position)
        {
            throw new InvalidDataException($"a read of {buffer.Length} bytes at {_position} of a payload of {bytes.Length} bytes: the payload is truncated");
        }

        bytes.AsSpan(_position, buffer.Length).CopyTo(buffer);
        if (buffer.Length == 4 && !stringFollows && BinaryPrimitives.ReadInt32LittleEndian(buffer) is > MaxLength and var claimed)
        {
            throw new InvalidDataException($"a 4-byte value of {claimed} (a length over {MaxLength} bytes, or a counter out of range) in a payload of {bytes.Length} bytes");
        }

        _position += buffer.Length;
        return buffer.Length;
    }

    public override int ReadByte()
    {
        var value = _position < bytes.Length ? bytes[_position++] : -1;
        _stringFollows = value == FourByteString;
        return value;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
