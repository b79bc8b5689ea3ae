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

    /// <param name="cause">The exception Akka attached to the line, if any (the TLS failure often travels there).</param>
    public static TransportLogAction Classify(string category, string message, Exception? cause = null)
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
            || (message.StartsWith("Error caught channel", StringComparison.Ordinal) && IsTls(message, cause))
            ? TransportLogAction.Drop
            : TransportLogAction.Pass;
    }

    /// <summary>The channel and the error of Akka's message, on one line, for the one line we log instead.</summary>
    public static string Summary(string message)
    {
        var channel = Between(message, "on channel ", "(Id=") ?? "";
        var error = Between(message, "Error: ", "\n") ?? Between(message, "Error: ", null) ?? "";
        var text = $"{channel.Trim()} {error.Trim()}".Trim();
        var clean = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        return clean.Length > 160 ? clean[..160] + "..." : clean;
    }

    private static bool IsTls(string message, Exception? cause)
    {
        for (var e = cause; e is not null; e = e.InnerException)
        {
            var name = e.GetType().Name;
            if (name.Contains("Ssl", StringComparison.Ordinal) || name.Contains("Tls", StringComparison.Ordinal) || name == "AuthenticationException")
            {
                return true;
            }
        }

        return message.Contains("SSL/TLS", StringComparison.Ordinal) || message.Contains("NotSslRecord", StringComparison.Ordinal);
    }

    private static string? Between(string text, string start, string? end)
    {
        var i = text.IndexOf(start, StringComparison.Ordinal);
        if (i < 0)
        {
            return null;
        }

        i += start.Length;
        var j = end is null ? -1 : text.IndexOf(end, i, StringComparison.Ordinal);
        return j < 0 ? (end is null ? text[i..] : null) : text[i..j];
    }
}
