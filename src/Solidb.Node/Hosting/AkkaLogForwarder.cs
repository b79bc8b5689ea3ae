using Akka.Actor;
using Akka.DependencyInjection;
using Akka.Dispatch;
using Akka.Event;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Security;
using MelLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Solidb.Node.Hosting;

/// <summary>
/// Akka's logger for the solidb host: hands each log event to Microsoft.Extensions.Logging with
/// the message alone, under the logging class as category. The console formatter adds time and
/// level once (Akka.Hosting's logger factory logger would add its own timestamp, thread and
/// source inside the message as well).
/// </summary>
public sealed class AkkaLogForwarder : ActorBase, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly ILoggerFactory _factory;
    private readonly NodeContext? _node;
    private readonly Dictionary<string, ILogger> _loggers = [];
    private readonly Solidb.Cluster.Security.LogFloodGuard _floods = new(TimeProvider.System);

    public AkkaLogForwarder()
    {
        var services = DependencyResolver.For(Context.System).Resolver;
        _factory = services.GetService<ILoggerFactory>();
        _node = services.GetService<NodeContext>();
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case InitializeLogger:
                Sender.Tell(new LoggerInitialized());
                return true;
            case LogEvent e:
                Forward(e);
                return true;
            default:
                return false;
        }
    }

    private void Forward(LogEvent e)
    {
        var category = CategoryOf(e);
        if (!_loggers.TryGetValue(category, out var logger))
        {
            _loggers[category] = logger = _factory.CreateLogger(category);
        }

        var level = LevelOf(e.LogLevel());
        var text = e.Message?.ToString() ?? "";
        switch (_node is null ? TransportLogAction.Pass : TransportLogFilter.Classify(category, text, e.Cause))
        {
            case TransportLogAction.Drop:
                return;
            case TransportLogAction.Count:
                if (_node!.Counters.Reject(RejectionReason.TlsHandshake) && logger.IsEnabled(MelLogLevel.Warning))
                {
                    logger.LogWarning("Refused a connection that failed the TLS handshake (a peer without TLS?): {Summary} (counted in stats.rejections.tls_handshake; logged at most once a minute)",
                        TransportLogFilter.Summary(text));
                }

                return;
        }

        if (!logger.IsEnabled(level))
        {
            return;
        }

        var flood = _floods.Decide(text);
        switch (flood.Action)
        {
            case Solidb.Cluster.Security.FloodAction.Pass:
                logger.Log(level, e.Cause, "{Message}", text);
                break;
            case Solidb.Cluster.Security.FloodAction.LogWithoutTrace:
                // A peer can trigger these at will, one per message: one line a minute, no stack trace.
                logger.Log(level, "{Message} ({Cause}; {Suppressed} similar lines suppressed in the last minute, further ones too)",
                    text, e.Cause?.Message ?? "no cause", flood.Suppressed);
                break;
        }
    }

    /// <summary>
    /// The class that logged (e.g. Solidb.Cluster.Election.ElectionActor); for Akka's string
    /// sources such as "Cluster (akka://solidb)" it is "Akka.Cluster"; otherwise "Akka".
    /// </summary>
    public static string CategoryOf(LogEvent e)
    {
        if (e.LogClass is { } type && type != typeof(DummyClassForStringSources))
        {
            return type.FullName ?? "Akka";
        }

        var source = e.LogSource ?? "";
        var cut = source.IndexOf(" (", StringComparison.Ordinal);
        var name = cut > 0 ? source[..cut] : "";
        return name.Length > 0 && name.All(c => char.IsLetterOrDigit(c) || c is '-' or '.')
            ? "Akka." + char.ToUpperInvariant(name[0]) + name[1..]
            : "Akka";
    }

    public static MelLogLevel LevelOf(Akka.Event.LogLevel level) => level switch
    {
        Akka.Event.LogLevel.DebugLevel => MelLogLevel.Debug,
        Akka.Event.LogLevel.InfoLevel => MelLogLevel.Information,
        Akka.Event.LogLevel.WarningLevel => MelLogLevel.Warning,
        _ => MelLogLevel.Error,
    };
}
