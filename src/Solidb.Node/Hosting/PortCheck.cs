using System.Net;
using System.Net.Sockets;
using Solidb.Cluster.Configuration;

namespace Solidb.Node.Hosting;

/// <summary>
/// Fails fast, with one line, when a port the node needs is taken or the bind host is not an
/// address of this machine. Akka.Remote and Kestrel would otherwise fail deep inside start-up.
/// </summary>
public static class PortCheck
{
    public static IPAddress ResolveBindAddress(string host)
    {
        if (IPAddress.TryParse(host, out var ip))
        {
            return ip;
        }

        try
        {
            var addresses = Dns.GetHostAddresses(host);
            return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
                ?? throw new SettingsException($"cannot resolve --host '{UserText.Value(host)}'");
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            // ArgumentException: a name longer than 255 characters or otherwise not a host name.
            throw new SettingsException($"cannot resolve --host '{UserText.Value(host)}': {e.Message}");
        }
    }

    public static void EnsureFree(IPAddress address, int port, string what)
    {
        try
        {
            var listener = new TcpListener(address, port);
            listener.Start();
            listener.Stop();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new SettingsException($"{what} {port} on {address} is already in use");
        }
        catch (SocketException e)
        {
            throw new SettingsException($"cannot bind {what} {port} on {address}: {e.Message}");
        }
    }
}
