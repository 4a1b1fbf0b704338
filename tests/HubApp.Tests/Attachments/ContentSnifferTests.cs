using System.Text;
using HubApp.Attachments;

namespace HubApp.Tests.Attachments;

/// <summary>What a file is, from its first bytes alone.</summary>
public sealed class ContentSnifferTests
{
    [Theory]
    [InlineData("89504E470D0A1A0A0000000D49484452", "image/png")]
    [InlineData("FFD8FFE000104A464946", "image/jpeg")]
    [InlineData("474946383961", "image/gif")]
    [InlineData("474946383761", "image/gif")]
    [InlineData("52494646241A000057454250565038", "image/webp")]
    [InlineData("255044462D312E37", "application/pdf")]
    [InlineData("504B0304140000000800", "application/zip")]
    [InlineData("52494646241A000057415645666D74", "application/octet-stream")] // RIFF, but WAVE
    [InlineData("89504E47", "application/octet-stream")] // a PNG signature cut short
    [InlineData("", "application/octet-stream")]
    public void TheSignatureDecides(string hex, string type) => Assert.Equal(type, ContentSniffer.Sniff(Convert.FromHexString(hex)));

    [Theory]
    [InlineData("<!DOCTYPE html><html><body>hi</body></html>")]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>")]
    [InlineData("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>")]
    [InlineData("GIF89 is not quite a GIF")]
    public void MarkupIsNeverAnImageNorAnythingABrowserRenders(string text) =>
        Assert.Equal("application/octet-stream", ContentSniffer.Sniff(Encoding.UTF8.GetBytes(text)));
}
