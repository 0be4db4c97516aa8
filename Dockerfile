# The service image: docker build -t bitrix24-offline-sync .
# Build context: the repository root. Only the service is built; the emulator and the tests never enter the image.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so the package layer is reused while only code changes.
COPY Bitrix24OfflineSync.sln global.json Directory.Build.props Directory.Packages.props ./
COPY src/Bitrix24OfflineSync/Bitrix24OfflineSync.csproj src/Bitrix24OfflineSync/
RUN dotnet restore src/Bitrix24OfflineSync
# The code style rules are part of the build (warnings are errors), so the image builds with them too.
COPY .editorconfig ./
COPY src/Bitrix24OfflineSync/ src/Bitrix24OfflineSync/
RUN dotnet publish src/Bitrix24OfflineSync -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
# Owned by root and read-only to the service's user: the app cannot change its own binaries.
COPY --from=build /app ./
# The SQLite database and the generated encryption key live in /data, the only place the service writes
# (besides /tmp), so the root filesystem can be mounted read-only.
RUN mkdir /data && chown "$APP_UID" /data && chmod 700 /data
VOLUME /data
ENV ASPNETCORE_HTTP_PORTS=8080 \
    Storage__DataDirectory=/data
# 8080: Bitrix24 and the proxy. 9464: the management address (GET /metrics), for the scraper only.
EXPOSE 8080 9464
USER $APP_UID
# The runtime image has no curl: the service binary probes /health/ready on loopback itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["dotnet", "Bitrix24OfflineSync.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "Bitrix24OfflineSync.dll"]
