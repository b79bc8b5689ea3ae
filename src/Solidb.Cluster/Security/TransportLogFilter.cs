namespace Solidb.Cluster.Security;

/// <summary>What to do with one of Akka.Remote's own log lines.</summary>
public enum TransportLogAction
{
    /// <summary>Not a TLS refusal: log it as Akka wrote it.</summary>
    Pass,

    /// <summary>A line that only accompanies a refusal already counted and logged elsewhere: drop it.</summary>
    Drop,

    /// <summary>A TLS handshake our validator never saw (e.g. a peer without TLS): count it, and log it when the counter allows.</summary>
    Count,
}

/// <summary>
/// Akka's DotNetty transport logs every failed TLS handshake with two or three lines of its own
/// (an error with the raw bytes, "TLS handshake failed on channel", "Rejected incoming
/// connection"), for every connection attempt: a peer without TLS retrying every second fills the
/// log. The host routes these lines through this rule: a refusal our certificate validator made is
/// already counted and logged (TlsTransport), so Akka's lines about it are dropped; a handshake
/// that failed before any certificate was seen (plain TCP, garbage, a closed channel) is counted
/// as a TLS refusal once per failed handshake and logged at most once a minute.
/// </summary>
public static class TransportLogFilter
{
    private const string HandlerPrefix = "Akka.Remote.Transport.DotNetty.Tcp";

    public static TransportLogAction Classify(string category, string message)
    {
        if (!category.StartsWith(HandlerPrefix, StringComparison.Ordinal))
        {
            return TransportLogAction.Pass;
        }

        if (message.StartsWith("TLS handshake failed on channel", StringComparison.Ordinal))
        {
            // Our validator refused the certificate: counted and logged by TlsTransport.
            return message.Contains("RemoteCertificateValidationCallback", StringComparison.Ordinal)
                ? TransportLogAction.Drop
                : TransportLogAction.Count;
        }

        return message.StartsWith("Rejected incoming connection from", StringComparison.Ordinal)
            || message.StartsWith("TLS exception on channel", StringComparison.Ordinal)
            || (message.StartsWith("Error caught channel", StringComparison.Ordinal) && message.Contains("SSL", StringComparison.Ordinal))
            ? TransportLogAction.Drop
            : TransportLogAction.Pass;
    }

    /// <summary>The first line of Akka's message, for the one line we log instead.</summary>
    public static string Summary(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length > 300 ? line[..300] + "..." : line;
    }
}
