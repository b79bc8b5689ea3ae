using CsCheck;
using Solidb.Cluster.Clock;
using Xunit;

namespace Solidb.Cluster.Tests.Clock;

public sealed class HybridLogicalClockPropertyTests
{
    private const int MaxOffsetMs = 500;
    private const uint LogicalCapacity = HybridLogicalClock.MaxReserve;

    private enum Kind
    {
        Now,
        Update,
        Reserve,
        Advance,
        StepWallClock,
    }

    /// <param name="Amount">Update: ms the received timestamp is ahead of the wall clock (negative: behind);
    /// Reserve: count; Advance: ticks; StepWallClock: ms.</param>
    /// <param name="Logical">Update: the received logical part.</param>
    private readonly record struct Op(Kind Kind, long Amount, uint Logical);

    private static readonly Gen<uint> GenLogical = Gen.Frequency(
        (4, Gen.UInt[0, 1000]),
        (1, Gen.UInt[LogicalCapacity - 3, LogicalCapacity + 3]),
        (1, Gen.UInt));

    private static Gen<Op[]> GenOps(bool stepWallClock) => Gen.Frequency(
        (4, Gen.Const(new Op(Kind.Now, 0, 0))),
        (4, Gen.Select(Gen.Long[-2_000, 2 * MaxOffsetMs], GenLogical, (ms, logical) => new Op(Kind.Update, ms, logical))),
        (1, Gen.Int[1, 100].Select(n => new Op(Kind.Reserve, n, 0))),
        (2, Gen.Long[0, 3 * TimeSpan.TicksPerMillisecond].Select(t => new Op(Kind.Advance, t, 0))),
        (stepWallClock ? 1 : 0, Gen.Long[-5_000, 5_000].Select(ms => new Op(Kind.StepWallClock, ms, 0))))
        .Array[1, 300];

    /// <summary>
    /// Random interleavings of Now, Update (inside and outside the max offset, with logical parts
    /// beyond the internal capacity), Reserve and wall-clock movement keep the clock strictly
    /// monotonic and within the paper's bounds: never behind the wall clock it reads, never ahead
    /// of the largest wall-clock reading or accepted received time except by one carried millisecond.
    /// </summary>
    [Theory]
    [InlineData(0, true)] // wall clock read on every call, so the bounds hold exactly, even across steps
    [InlineData(10, false)] // calibrated; without steps the monotonic clock equals the wall clock
    public void Random_interleavings_stay_strictly_monotonic_and_within_the_hlc_bounds(int calibrationMs, bool stepWallClock)
    {
        GenOps(stepWallClock).Sample(ops =>
        {
            var time = new SteppableTimeProvider();
            var clock = new HybridLogicalClock(time, new HlcOptions
            {
                MaxOffset = TimeSpan.FromMilliseconds(MaxOffsetMs),
                CalibrationInterval = TimeSpan.FromMilliseconds(calibrationMs),
            });
            var last = clock.Current;
            ulong maxWall = 0, maxReceived = 0;
            long rejected = 0;

            void CheckIssued(HlcTimestamp issued, ulong wall)
            {
                Assert.True(issued > last, $"{issued} not after {last}");
                Assert.True(issued.Physical >= wall, $"{issued} behind the wall clock {wall}");
                Assert.True(issued.Physical <= Math.Max(maxWall, maxReceived) + 1, $"{issued} too far ahead");
                last = issued;
            }

            foreach (var op in ops)
            {
                ulong wall = time.WallMilliseconds;
                maxWall = Math.Max(maxWall, wall);
                switch (op.Kind)
                {
                    case Kind.Now:
                        CheckIssued(clock.Now(), wall);
                        break;
                    case Kind.Update:
                        var received = new HlcTimestamp((ulong)((long)wall + op.Amount), op.Logical);
                        if (op.Amount > MaxOffsetMs)
                        {
                            var error = Assert.Throws<ClockSkewException>(() => clock.Update(received));
                            Assert.Equal(TimeSpan.FromMilliseconds(op.Amount), error.Offset);
                            Assert.Equal(++rejected, clock.RejectedUpdates);
                            break;
                        }

                        maxReceived = Math.Max(maxReceived, received.Physical);
                        var updated = clock.Update(received);
                        Assert.True(updated > received, $"{updated} not after received {received}");
                        CheckIssued(updated, wall);
                        break;
                    case Kind.Reserve:
                        var range = clock.Reserve((int)op.Amount);
                        CheckIssued(range.First, wall);
                        for (int i = 1; i < range.Count; i++)
                        {
                            CheckIssued(range[i], wall);
                        }

                        break;
                    case Kind.Advance:
                        time.Advance(TimeSpan.FromTicks(op.Amount));
                        break;
                    case Kind.StepWallClock:
                        time.StepWallClock(TimeSpan.FromMilliseconds(op.Amount));
                        break;
                }

                Assert.Equal(last, clock.Current);
                Assert.Equal(rejected, clock.RejectedUpdates);
            }
        }, iter: 500);
    }
}
