COPY package.json package-lock.json ./
RUN npm install
