using HubApp.Contracts;
using Microsoft.Playwright;

namespace HubApp.Browser.Tests.Infrastructure;

/// <summary>
/// Between a page and the host (routed by <see cref="RouteAsync"/> before sign-in): <see cref="CutAsync"/> drops
/// the hub's socket at both ends and refuses new ones (and negotiate) until <see cref="RestoreAsync"/>, as a
/// network outage would.
/// </summary>
public sealed class Network
{
    private readonly List<(IWebSocketRoute Page, IWebSocketRoute Server)> _sockets = [];
    private readonly List<Task> _refusals = [];
    private bool _down;

    public Task RouteAsync(IPage page) => Task.WhenAll(
        page.RouteAsync($"**{HubMethods.Path}/negotiate**", route => Volatile.Read(ref _down) ? route.AbortAsync() : route.ContinueAsync()),
        page.RouteWebSocketAsync($"**{HubMethods.Path}**", socket =>
        {
            lock (_sockets)
            {
                if (_down)
                {
                    // The handler cannot be async; RestoreAsync awaits the refusals.
                    _refusals.Add(socket.CloseAsync());
                }
                else
                {
                    _sockets.Add((socket, socket.ConnectToServer()));
                }
            }
        }));

    public async Task CutAsync()
    {
        (IWebSocketRoute Page, IWebSocketRoute Server)[] open;
        lock (_sockets)
        {
            Volatile.Write(ref _down, true);
            open = [.. _sockets];
            _sockets.Clear();
        }

        foreach (var (page, server) in open)
        {
            await server.CloseAsync();
            await page.CloseAsync();
        }
    }

    public Task RestoreAsync()
    {
        lock (_sockets)
        {
            Volatile.Write(ref _down, false);
            return Task.WhenAll([.. _refusals]);
        }
    }
}
