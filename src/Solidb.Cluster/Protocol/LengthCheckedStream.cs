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
/// </summary>
public sealed class LengthCheckedStream(byte[] bytes) : Stream
{
    /// <summary>2^20: above every legitimate length and the HLC's logical counter (20 bits).</summary>
    public const int MaxLength = 1 << 20;

    private int _position;

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
        var n = Math.Min(buffer.Length, bytes.Length - _position);
        if (n <= 0)
        {
            return 0;
        }

        bytes.AsSpan(_position, n).CopyTo(buffer);
        if (n == 4 && BinaryPrimitives.ReadInt32LittleEndian(buffer) is > MaxLength and var claimed)
        {
            throw new InvalidDataException($"a 4-byte value of {claimed} (a length over {MaxLength} bytes, or a counter out of range) in a payload of {bytes.Length} bytes");
        }

        _position += n;
        return n;
    }

    public override int ReadByte() => _position < bytes.Length ? bytes[_position++] : -1;

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
