using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Remote.Transport;
using Google.Protobuf;
using Solidb.Cluster.Security.Transport;

namespace Solidb.Cluster.Specs.Harness;

/// <summary>
/// Test-only Akka.Remote transport adapter <c>slow-link</c>: once a spec sets a delay
/// (<see cref="SetDelay"/>), everything the node sends leaves that much later, in order, as over a
/// slow link (the node's heartbeats, its answers, gossip). It adds no scheme, so the node's address
/// stays the others'. <see cref="InProcessCluster"/> applies it to the nodes a spec names.
/// </summary>
public sealed class SlowLinkTransportProvider : ITransportAdapterProvider
{
    public const string AdapterName = "slow-link";

    /// <summary>The HOCON that registers the adapter.</summary>
    public static readonly string Hocon =
        $"akka.remote.adapters.{AdapterName} = \"{typeof(SlowLinkTransportProvider).FullName},{typeof(SlowLinkTransportProvider).Assembly.GetName().Name}\"";

    private static readonly ConditionalWeakTable<ActorSystem, StrongBox<long>> Delays = new();

    /// <summary>From now on everything <paramref name="system"/> sends is held back <paramref name="delay"/> (zero: no more).</summary>
    public static void SetDelay(ActorSystem system, TimeSpan delay) => Volatile.Write(ref DelayOf(system).Value, delay.Ticks);

    private static StrongBox<long> DelayOf(ActorSystem system) => Delays.GetValue(system, _ => new StrongBox<long>(0));

    /// <summary>The node's setup with the slow link applied after its other adapters (it changes no address, so the protocol stays).</summary>
    public static ActorSystemSetup Apply(ActorSystemSetup setup)
    {
        var bootstrap = setup.Get<BootstrapSetup>().Value;
        var config = bootstrap.Config.Value;
        var adapters = config.GetStringList("akka.remote.dot-netty.tcp.applied-adapters").Prepend(AdapterName);
        var applied = ConfigurationFactory.ParseString(
            $"akka.remote.dot-netty.tcp.applied-adapters = [{string.Join(", ", adapters.Select(a => $"\"{a}\""))}]");
        return setup.And(bootstrap.WithConfig(applied.WithFallback(config)));
    }

    public Akka.Remote.Transport.Transport Create(Akka.Remote.Transport.Transport wrappedTransport, ExtendedActorSystem system) =>
        new SlowLinkTransport(wrappedTransport, system, DelayOf(system));

    private sealed class SlowLinkTransport(Akka.Remote.Transport.Transport inner, ExtendedActorSystem system, StrongBox<long> delay)
        : WrappingTransport(inner, system)
    {
        protected override AssociationHandle Wrap(AssociationHandle inner) => new SlowHandle(inner, delay);
    }

    /// <summary>One association: reads pass through; each write is queued and written once its delay is over, in order.</summary>
    private sealed class SlowHandle : AssociationHandle
    {
        private readonly AssociationHandle _inner;
        private readonly StrongBox<long> _delay;
        private readonly Channel<(long Due, ByteString Payload)> _queue = Channel.CreateUnbounded<(long, ByteString)>(new() { SingleReader = true });

        public SlowHandle(AssociationHandle inner, StrongBox<long> delay)
            : base(inner.LocalAddress, inner.RemoteAddress)
        {
            _inner = inner;
            _delay = delay;
            WrappingTransport.ForwardReads(this, inner, upper => upper);
            _ = Task.Run(DrainAsync);
        }

        public override bool Write(ByteString payload) =>
            _queue.Writer.TryWrite((TimeProvider.System.GetTimestamp(), payload));

        [Obsolete("Akka calls it through Disassociate(reason, log)")]
#pragma warning disable CS0809, CS0618 // the wrapped handle's own override is the same obsolete member
        public override void Disassociate()
        {
            _queue.Writer.TryComplete();
            _inner.Disassociate();
        }
#pragma warning restore CS0809, CS0618

        private async Task DrainAsync()
        {
            await foreach (var (queuedAt, payload) in _queue.Reader.ReadAllAsync())
            {
                var left = TimeSpan.FromTicks(Volatile.Read(ref _delay.Value)) - TimeProvider.System.GetElapsedTime(queuedAt);
                if (left > TimeSpan.Zero)
                {
                    await Task.Delay(left);
                }

                _inner.Write(payload);
            }
        }
    }
}
