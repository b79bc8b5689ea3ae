using System.IO;
using System.Runtime.Serialization;
using Akka.TestKit.Xunit2;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Protocol;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Cluster.Tests.Protocol;

/// <summary>
/// Issue 20, item 7: does a short read get past <see cref="LengthCheckedStream"/>? Hyperion reads a 4-byte length into
/// its session's shared buffer; if a short read were taken as complete, a payload that ends right after a long-string
/// marker (0xFF) would leave the length to the bytes a previous read left there (here: 16 MB). With Hyperion 0.12.2 it
/// does not get past (its ReadFull throws EndOfStreamException on a short read: 76 KiB allocated); the stream now
/// refuses a read it cannot fill itself, whatever the reader does.
/// </summary>
public sealed class LengthCheckedStreamTests(ITestOutputHelper output)
    : TestKit(Akka.Configuration.ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(SolidbConfig.Reference))
{
    /// <summary>16 MB: above the length check's limit, small enough to allocate safely if it got through.</summary>
    private const long Claimed = 16L << 20;

    [Fact]
    public void A_payload_ending_in_a_length_marker_after_a_large_value_allocates_nothing_of_that_size()
    {
        var stamp = new HlcTimestamp(1_700_000_000_000, 1);
        var serializer = Sys.Serialization.FindSerializerFor(new ProbePing("a", 1, stamp));

        // ProbeRequest's fields go From, Sent, Seq, Target, ...: Seq's 8 bytes (low 4: the claimed length) fill
        // Hyperion's buffer just before Target's length marker. Cut the payload there, with a long-string marker.
        var bytes = serializer.ToBinary(new ProbeRequest("a", "TTTT", 1, "addr", Claimed, stamp));
        var target = IndexOf(bytes, [5, (byte)'T', (byte)'T', (byte)'T', (byte)'T']);
        Assert.True(target > 0, "Target's length marker was not found");
        var crafted = bytes[..target].Append((byte)0xFF).ToArray();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var thrown = Record.Exception(() => serializer.FromBinary(crafted, typeof(ProbeRequest)));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{crafted.Length}-byte payload: {allocated / 1024} KiB allocated, {thrown?.GetType().Name}: {thrown?.Message}");

        Assert.IsType<SerializationException>(thrown);
        Assert.True(allocated < LengthCheckedStream.MaxLength, $"{allocated / 1048576.0:0.0} MB allocated for a {crafted.Length}-byte payload");
    }

    [Theory]
    [InlineData("abcd")]
    [InlineData("node")]
    [InlineData("n-1_")]
    [InlineData("abc")]
    [InlineData("abcde")]
    public void Messages_with_strings_of_any_length_round_trip(string id)
    {
        var stamp = new HlcTimestamp(1_700_000_000_000, 1);
        var message = new Heartbeat(id, 1, 1, 1, false, stamp, stamp);
        var serializer = Sys.Serialization.FindSerializerFor(message);

        Assert.Equal(message, serializer.FromBinary(serializer.ToBinary(message), typeof(Heartbeat)));
    }

    [Theory]
    [InlineData(4, 0)]
    [InlineData(4, 3)]
    [InlineData(8, 5)]
    [InlineData(1, 0)]
    public void A_read_the_payload_cannot_fill_throws_instead_of_returning_part_of_it(int asked, int left)
    {
        var stream = new LengthCheckedStream(new byte[left]);

        Assert.Throws<InvalidDataException>(() => stream.Read(new byte[asked], 0, asked));
    }

    [Fact]
    public void Reads_the_payload_fills_return_its_bytes_and_a_4_byte_value_over_the_limit_throws()
    {
        var stream = new LengthCheckedStream([1, 2, 0, 0, 0, 7, 7, 7, 0xF0, 0xFF, 0xFF, 0x7F]);
        var buffer = new byte[4];

        Assert.Equal(1, stream.ReadByte());
        Assert.Equal(4, stream.Read(buffer, 0, 4));
        Assert.Equal([2, 0, 0, 0], buffer);
        Assert.Equal(0, stream.Read(buffer, 0, 0));
        Assert.Equal(3, stream.Read(buffer, 0, 3));
        Assert.Throws<InvalidDataException>(() => stream.Read(buffer, 0, 4));
    }

    [Fact]
    public void The_text_of_a_4_byte_string_is_not_taken_for_a_length_and_a_length_after_it_is()
    {
        var stream = new LengthCheckedStream([5, (byte)'n', (byte)'o', (byte)'d', (byte)'e', 0xFF, (byte)'n', (byte)'o', (byte)'d', (byte)'e']);
        var buffer = new byte[4];

        Assert.Equal(5, stream.ReadByte()); // Hyperion: a string of 4 bytes follows
        Assert.Equal(4, stream.Read(buffer, 0, 4));
        Assert.Equal(0xFF, stream.ReadByte()); // a long string: a 4-byte length follows
        Assert.Throws<InvalidDataException>(() => stream.Read(buffer, 0, 4));
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                return i;
            }
        }

        return -1;
    }
}
