# imcsync as a container: a static binary on distroless, run as a non-root user.
#
#   docker build --build-arg VERSION=v1.2.3 --build-arg COMMIT=$(git rev-parse HEAD) -t imcsync .
#   docker run --rm -v "$PWD:/work" -w /work imcsync plan --sim examples/live-state.yaml -f examples/imagecaches.yaml
#
# Multi-platform: docker buildx build --platform linux/amd64,linux/arm64 . (the build stage
# runs natively and cross-compiles).

FROM --platform=$BUILDPLATFORM golang:1.26 AS build
ARG TARGETOS TARGETARCH
ARG VERSION= COMMIT= DATE=
# go.mod may ask for a newer patch release than the image has.
ENV GOTOOLCHAIN=auto
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -buildvcs=false \
      -ldflags "-s -w \
        -X github.com/imcsync/imcsync/internal/version.Version=${VERSION} \
        -X github.com/imcsync/imcsync/internal/version.Commit=${COMMIT} \
        -X github.com/imcsync/imcsync/internal/version.Date=${DATE}" \
      -o /out/imcsync .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/imcsync /usr/local/bin/imcsync
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/imcsync"]
