using HubApp.Client.Transport;

namespace HubApp.Client.Tests.Transport;

public class WebSocketUriTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5080/hubs/chat", "ws://127.0.0.1:5080/hubs/chat")]
    [InlineData("https://chat.example.com/hubs/chat", "wss://chat.example.com/hubs/chat")]
    [InlineData("ws://127.0.0.1:5080/hubs/chat", "ws://127.0.0.1:5080/hubs/chat")]
    public void Http_schemes_map_to_websocket_schemes(string hubUrl, string expected)
    {
        Assert.Equal(new Uri(expected), WebSocketUri.Create(new Uri(hubUrl), accessToken: null));
    }

    [Fact]
    public void The_token_is_appended_url_escaped_as_access_token()
    {
        var uri = WebSocketUri.Create(new Uri("http://127.0.0.1:5080/hubs/chat"), "a+b/c=d&e f");

        Assert.Equal("?access_token=a%2Bb%2Fc%3Dd%26e%20f", uri.Query);
    }

    [Fact]
    public void An_existing_query_is_kept()
    {
        var uri = WebSocketUri.Create(new Uri("http://127.0.0.1:5080/hubs/chat?tenant=x"), "t");

        Assert.Equal("?tenant=x&access_token=t", uri.Query);
    }

    [Fact]
    public void Other_schemes_are_refused()
    {
        Assert.Throws<ArgumentException>(() => WebSocketUri.Create(new Uri("ftp://127.0.0.1/hubs/chat"), null));
    }
}
