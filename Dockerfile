# syntax=docker/dockerfile:1
# FeedService: build with the .NET 10 SDK, run on the ASP.NET Core 10 runtime as the non-root `app` user.
#   docker build -t feedservice .
#   docker run -p 8080:8080 -v feedservice-data:/app/data -v feedservice-feeds:/app/feeds \
#     -e FeedService__Site__BaseUrl=https://feeds.example.org \
#     -e FeedService__Auth__ApiKeys__0=<a key of at least 16 characters> feedservice
# Without a configured key the app generates one and writes it to /app/data/api-key.

# ---- build ------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project file and the shared MSBuild props only, so the package layer is
# reused until a dependency changes. appsettings.json lives at the repository root and is linked
# into the project (../../appsettings.json), so it has to be here too.
COPY Directory.Build.props Directory.Packages.props appsettings.json ./
COPY src/FeedService/FeedService.csproj src/FeedService/
RUN dotnet restore src/FeedService/FeedService.csproj
COPY src/ src/
# The same command tests/interop/run.sh publishes with.
RUN dotnet publish src/FeedService/FeedService.csproj -c Release -o /app

# ---- runtime ----------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
# The binaries stay root-owned (read-only to the app); only data/ and feeds/ are writable.
COPY --from=build /app ./
# appsettings.json's relative paths (data/feedservice.db, feeds) resolve against the content
# root, which is the working directory /app. Create and chown the folders before declaring them
# volumes so a fresh named volume starts out owned by `app`.
RUN mkdir -p /app/data /app/feeds && chown app:app /app/data /app/feeds
VOLUME ["/app/data", "/app/feeds"]

ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
USER app

# The image has neither curl nor wget: ask /healthz over bash's /dev/tcp and require "200 OK"
# (the app answers 503 when the database or the last feed regeneration failed).
# The port follows ASPNETCORE_URLS above; change both together.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && timeout 4 head -n 1 <&3 | grep -q ' 200 OK'"]

ENTRYPOINT ["dotnet", "FeedService.dll"]
